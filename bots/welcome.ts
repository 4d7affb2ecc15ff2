/** Greets every new member by name, with the house rules attached. */
import { defineBot, z } from 'botyard';

export default defineBot({
  name: 'welcome',
  config: z.object({
    rulesUrl: z.string().url().default('https://example.com/house-rules.pdf'),
  }),
  setup(bot, config) {
    bot.onMemberAdded(async (ctx) => {
      await ctx.send({
        text: `Welcome, ${ctx.mention(ctx.member!)}! Please have a look at the house rules.`,
        attachments: [{ type: 'file', url: config.rulesUrl, title: 'House rules' }],
      });
    });
  },
});
