/** hello: answers "hello" with a greeting that mentions the sender. */
import { defineBot, z } from 'botyard';

export default defineBot({
  name: 'hello',
  // Settings from bot.config.ts → bots.hello, validated when the bot loads.
  config: z.object({
    greeting: z.string().default('Hello'),
  }),
  setup(bot, config) {
    bot.hear(/^hello\b/i, async (ctx) => {
      await ctx.reply(`${config.greeting}, ${ctx.mention(ctx.sender)}!`);
    });
  },
});
