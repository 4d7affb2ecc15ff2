/**
 * Keeps blocked words out. Where the platform asks before storing a message (Stream), a message with a
 * blocked word is rejected before anyone sees it and its sender is told why; each one is a strike, and
 * the Nth strike bans them for a while. Where it cannot (ACS), it deletes what it can, warns, and
 * removes the sender after N strikes.
 */
import { defineBot, z } from 'botyard';

const escape = (word: string) => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export default defineBot({
  name: 'moderation',
  config: z.object({
    blockedWords: z.array(z.string().min(1)).min(1).default(['spam', 'scam']),
    /** The strike that bans: with 3, two warnings, then a ban. */
    strikesBeforeBan: z.number().int().positive().default(3),
    /** How long a ban lasts where bans can end on their own (Stream). */
    banMinutes: z.number().int().positive().default(60),
  }),
  setup(bot, { blockedWords, strikesBeforeBan, banMinutes }) {
    const blocked = new RegExp(`\\b(${blockedWords.map(escape).join('|')})\\b`, 'i');
    // Strikes count per conversation and user, in the bot's own store: increment is atomic across instances.
    const strikesKey = (conversation: string, user: string) => `strikes:${conversation}:${user}`;

    // Stream: nobody but the sender ever sees the message.
    bot.beforeSend(async (ctx) => {
      const word = blocked.exec(ctx.message.text)?.[1];
      if (!word) return ctx.allow();
      const strikes = await ctx.store.increment(strikesKey(ctx.conversation.id, ctx.sender.id));
      const consequence = strikes >= strikesBeforeBan ? `That was strike ${strikes}: you are banned here for ${banMinutes} minutes.` : `Strike ${strikes} of ${strikesBeforeBan}.`;
      ctx.reject({ reason: `blocked word "${word}"`, notify: `"${word}" is not allowed here. ${consequence}`, data: { strikes } });
    });

    // The rejection comes back as an ordinary event, where the bot may act: the Nth strike bans, for a while.
    bot.on('message.rejected', async (ctx) => {
      const rejection = ctx.event.rejection;
      const strikes = Number(rejection?.data?.strikes ?? 0);
      if (rejection?.by !== ctx.bot || strikes < strikesBeforeBan) return;
      await ctx.ban(ctx.sender.id, { timeoutMinutes: banMinutes, reason: `used blocked words ${strikes} times` });
    });

    // Where nothing stands in front of messages (ACS, or Stream without the hook): warn and remove after the fact.
    bot.hear(blocked, async (ctx) => {
      // Stream lets the bot delete anyone's message; on ACS users can delete only their own.
      if (ctx.can('moderation')) await ctx.deleteMessage();
      const strikes = await ctx.store.increment(strikesKey(ctx.conversation.id, ctx.sender.id));
      if (strikes >= strikesBeforeBan && ctx.can('ban')) {
        // A platform that can lift bans can time them; ACS's "ban" is removal from the thread.
        await ctx.ban(ctx.sender.id, { reason: `used a blocked word ${strikes} times`, ...(ctx.can('unban') ? { timeoutMinutes: banMinutes } : {}) });
        await ctx.send(`${ctx.mention(ctx.sender)} has been removed after ${strikes} warnings.`);
        return;
      }
      await ctx.send(`${ctx.mention(ctx.sender)}, "${ctx.match![1]}" is not allowed here. Warning ${strikes} of ${strikesBeforeBan - 1}.`);
    });
  },
});
