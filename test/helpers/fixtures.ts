/**
 * The end-to-end tests' own bots and config (test/fixtures/), so that nothing in the repository's
 * bots/ folder (examples a user edits, bots a user adds) can change what `npm test` sees.
 */
import { fileURLToPath } from 'node:url';

/** test/fixtures/bot.config.ts: the fixture bots' settings, botsDir pointing at test/fixtures/bots. */
export const FIXTURE_CONFIG = fileURLToPath(new URL('../fixtures/bot.config.ts', import.meta.url));
/** test/fixtures/bots: mentions, welcome, moderation, reminders. */
export const FIXTURE_BOTS = fileURLToPath(new URL('../fixtures/bots', import.meta.url));
