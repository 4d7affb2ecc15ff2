import { defineConfig } from 'botyard';

export default defineConfig({
  // The user the bots speak as, on every platform. Mention it as @Botyard.
  bot: { id: 'botyard', name: 'Botyard' },
  handlerTimeoutMs: 30_000,
  bots: {
    welcome: { rulesUrl: 'https://example.com/house-rules.pdf' },
    moderation: { blockedWords: ['spam', 'scam'], strikesBeforeBan: 3 },
    reminders: { weeklyTarget: 'stream:messaging:general', weeklyCron: '0 9 * * 1', timezone: 'Europe/Berlin' },
    // Streams a model's answer to mentions in a channel called "assistant" (answerIn), so elsewhere the
    // mentions bot's FAQ answers alone. Without `model` it uses its offline stand-in (README: The assistant bot).
    assistant: { answerIn: ['assistant'] },
  },
});
