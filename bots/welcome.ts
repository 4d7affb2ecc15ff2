/**
 * Greets every new member by name, with the house rules attached. Where it can, the greeting is silent
 * (no unread count, no push for everyone else in a big channel) and the rules are pinned, once per
 * conversation.
 */
import { defineBot, z } from 'botyard';

export default defineBot({
  name: 'welcome',
  config: z.object({
    rulesUrl: z.string().url().default('https://example.com/house-rules.pdf'),
  }),
  setup(bot, config) {
    const rules = { type: 'file', url: config.rulesUrl, title: 'House rules' };

    bot.onMemberAdded(async (ctx) => {
      const quietly = ctx.can('silent') ? { silent: true } : {};
      // Events of one conversation are handled in order, so get-then-set cannot pin twice; the key is
      // set only after the pinned post succeeded, so a failed post is tried again.
      const pinnedKey = `rules-pinned:${ctx.conversation.id}`;
      if (ctx.can('pin') && !(await ctx.store.get(pinnedKey))) {
        const pinned = await ctx.send({ text: 'House rules', attachments: [rules], pinned: true, ...quietly });
        await ctx.store.set(pinnedKey, pinned.id);
      }
      await ctx.send({
        text: `Welcome, ${ctx.mention(ctx.member!)}! Please have a look at the house rules.`,
        attachments: [rules],
        ...quietly,
      });
    });
  },
});
