// The shared-limits benchmark's bot: one reply per message, nothing else, so every event is one send.
import { defineBot } from 'botyard';

export default defineBot({
  name: 'replier',
  setup(bot) {
    bot.onMessage((ctx) => ctx.reply('ok'));
  },
});
