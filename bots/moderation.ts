/** Deletes messages with a blocked word, warns the sender, and bans them after too many strikes. */
import { defineBot, z } from 'botyard';

const escape = (word: string) => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export default defineBot({
  name: 'moderation',
  config: z.object({
    blockedWords: z.array(z.string().min(1)).min(1).default(['spam', 'scam']),
    /** The strike that bans: with 3, two warnings, then a ban. */
    strikesBeforeBan: z.number().int().positive().default(3),
  }),
  setup(bot, { blockedWords, strikesBeforeBan }) {
    const blocked = new RegExp(`\\b(${blockedWords.map(escape).join('|')})\\b`, 'i');

    bot.hear(blocked, async (ctx) => {
      // Stream lets the bot delete anyone's message; on ACS users can delete only their own.
      if (ctx.can('moderation')) await ctx.deleteMessage();
      // Strikes count per conversation, in the bot's own store (shared by all instances on Redis).
      const strikes = await ctx.store.increment(`strikes:${ctx.conversation.id}:${ctx.sender.id}`);
      if (strikes >= strikesBeforeBan && ctx.can('ban')) {
        await ctx.ban(ctx.sender.id, { reason: `used a blocked word ${strikes} times` });
        await ctx.send(`${ctx.mention(ctx.sender)} has been removed after ${strikes} warnings.`);
        return;
      }
      await ctx.send(`${ctx.mention(ctx.sender)}, "${ctx.match![1]}" is not allowed here. Warning ${strikes} of ${strikesBeforeBan - 1}.`);
    });
  },
});
