/**
 * Async resources per webhook: how many promises, ticks, immediates and timers one signed message.new
 * costs `botyard start` (memory state), and where they come from. Each promise pays Node 20's promise
 * hooks while any AsyncLocalStorage is in use (the handler scope makes it so in every process), so this
 * is a count worth keeping down on the accept path. Not part of `npm run bench`.
 *
 *   npx tsx bench/ingest/async-count.ts [requests=100]
 */
import path from 'node:path';
import { sleep, startBotyard } from '../lib/botyard.ts';
import { BENCH_SECRET, messageNewBody, sign } from '../lib/payload.ts';
import { ROOT, startNode } from '../lib/proc.ts';
import { storeConfig } from '../lib/stores.ts';

const N = Number(process.argv[2] ?? 100);
const emulator = startNode('bench/lib/stream-emulator.ts', {});
const { env } = await emulator.waitFor<{ env: Record<string, string> }>('ready');
const b = await startBotyard(env, undefined, { config: storeConfig('memory'), nodeArgs: ['--import', path.join(ROOT, 'bench/ingest/async-count.mjs')] });
let stderr = '';
b.child.proc.stderr!.on('data', (d) => (stderr += d));
let n = 0;
/** One delivery at a time, so what is counted is one request's own. */
async function post(): Promise<void> {
  const id = `count-${n++}`;
  const body = messageNewBody({ id, channel: `count-${n % 10}` });
  const res = await fetch(`${b.url}/webhooks/stream`, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-signature': sign(body, BENCH_SECRET), 'x-webhook-id': `wh-${id}` } });
  await res.text();
}
try {
  for (let i = 0; i < 200; i++) await post(); // warm
  await sleep(300);
  b.child.proc.kill('SIGUSR1');
  await sleep(100);
  for (let i = 0; i < N; i++) await post();
  await sleep(300);
  b.child.proc.kill('SIGUSR1');
  await sleep(300);
  console.log(`${N} requests:`);
  for (const line of stderr.split('\n')) if (line.startsWith('COUNTS ')) console.log(line.slice(7));
} finally {
  await b.child.stop('SIGINT');
  await emulator.stop();
}
