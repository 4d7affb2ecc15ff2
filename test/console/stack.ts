/**
 * The console tests' dev stack: both emulators, the runtime with the real adapters and the console
 * fixture bots (test/console/fixtures/bots, never the repository's bots/), on a port the OS picks.
 */
import { fileURLToPath } from 'node:url';
import { startDevStack, type DevStack } from '../../src/cli/dev-stack.ts';
import { createLogger } from '../../src/runtime/log.ts';

export const CONSOLE_FIXTURE_BOTS = fileURLToPath(new URL('./fixtures/bots', import.meta.url));

export function startConsoleStack(): Promise<DevStack> {
  return startDevStack({
    env: {},
    port: 0,
    host: '127.0.0.1',
    log: createLogger({ level: 'fatal' }),
    config: {
      bot: { id: 'botyard', name: 'Botyard' },
      botsDir: CONSOLE_FIXTURE_BOTS,
      // Poll ACS briskly so tests do not wait out the idle backoff meant for real services.
      acs: { pollMinIntervalMs: 100, pollMaxIntervalMs: 300 },
    },
  });
}
