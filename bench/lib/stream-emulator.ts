/**
 * A Stream emulator in its own process (child of the bench): the Stream API a botyard under test
 * talks to at start (bot upsert) and for /readyz. Sends `{ type: 'ready', env }` once listening.
 */
import { startStreamEmulator } from '../../src/emulator/stream/index.ts';
import { BENCH_KEY, BENCH_SECRET } from './payload.ts';
import { serveIpc } from './proc.ts';

const emulator = await startStreamEmulator({ apiKey: BENCH_KEY, apiSecret: BENCH_SECRET });
serveIpc({ counts: () => emulator.requests.counts() });
process.send!({ type: 'ready', env: emulator.env });
