/**
 * botyard's configuration. Secrets come from the environment (STREAM_API_KEY, STREAM_API_SECRET,
 * ACS_CONNECTION_STRING, REDIS_URL): without them `npm run dev` uses local emulators.
 */
import { defineConfig } from 'botyard';

export default defineConfig({
  // The user your bots speak as, on every platform. Mention it as @Botyard.
  bot: { id: 'botyard', name: 'Botyard' },
  // Each bot's settings, checked against the bot's own schema when it loads.
  bots: {
    hello: { greeting: 'Hello' },
  },
});
