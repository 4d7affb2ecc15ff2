/**
 * In a shared worker (project 'shared', isolate: false) the next file inherits this one's module cache.
 * A module load still in flight when a file ends is cut off by vitest ("Closing rpc while fetchModule was
 * pending") and the cut-off load stays cached as an error: every later file in that worker that imports
 * the module fails with EnvironmentTeardownError. Code under test may start loads it never awaits: a
 * `botyard start` refused before boot returns while its runtime modules are still loading
 * (src/cli/commands/start.ts), which broke nine files after test/cli/cli.test.ts once. So each file
 * ends only after every load it started has settled.
 */
import { afterAll, vi } from 'vitest';

afterAll(() => vi.dynamicImportSettled());
