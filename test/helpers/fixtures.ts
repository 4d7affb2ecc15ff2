/**
 * The end-to-end tests' bots and config (test/fixtures/): the example bots under test, each re-exported
 * from its own file, so that a bot a user adds to the repository's bots/ folder (or a setting changed in
 * its bot.config.ts) never changes what `npm test` loads.
 */
import { fileURLToPath } from 'node:url';

/** test/fixtures/bot.config.ts: the fixture bots' settings, botsDir pointing at test/fixtures/bots. */
export const FIXTURE_CONFIG = fileURLToPath(new URL('../fixtures/bot.config.ts', import.meta.url));
/** test/fixtures/bots: the example mentions, welcome, moderation and reminders bots. */
export const FIXTURE_BOTS = fileURLToPath(new URL('../fixtures/bots', import.meta.url));
