/** Answers when mentioned: marks the message read, shows typing, and replies in the thread from a small FAQ. */
import { defineBot } from 'botyard';

const faq: Array<{ question: RegExp; answer: string }> = [
  { question: /\b(hours|open|opening)\b/i, answer: 'We are open Monday to Friday, 9:00 to 17:00 CET.' },
  { question: /\b(help|support|contact)\b/i, answer: 'Write to support@example.com, or ask here and a moderator will pick it up.' },
  { question: /\b(rules|allowed)\b/i, answer: 'Be kind, stay on topic, no spam. The full rules are pinned in every channel.' },
];

export default defineBot({
  name: 'mentions',
  setup(bot) {
    bot.onMention(async (ctx) => {
      if (ctx.can('markRead')) await ctx.markRead();
      if (ctx.can('typing')) await ctx.typing();
      const text = ctx.message!.text;
      const answer = faq.find((f) => f.question.test(text))?.answer ?? 'Hi! Ask me about opening hours, support or the rules.';
      await ctx.reply(`${ctx.mention(ctx.sender)} ${answer}`);
    });
  },
});
