/**
 * The Stream emulator and a fixed-rate, open-loop webhook sender in one process, so the time from
 * "webhook sent" to "the bot's threaded reply reached the emulator" is read on one clock. Each
 * webhook announces a real message (created in the emulator beforehand, unannounced) that mentions
 * the bot; latency counts from the *scheduled* send time, so a slow receiver cannot hide its queue.
 */
import http from 'node:http';
import { StreamChat } from 'stream-chat';
import { startStreamEmulator } from '../../src/emulator/stream/index.ts';
import { BENCH_KEY, BENCH_SECRET, messageNewBody, sign } from '../lib/payload.ts';
import { serveIpc } from '../lib/proc.ts';
import { quantile, sleep } from '../lib/stats.ts';

type Loose = any;
const CHANNELS = 100;
const emulator = await startStreamEmulator({ apiKey: BENCH_KEY, apiSecret: BENCH_SECRET });
// 10 s rather than the SDK's 3 s: preparing questions on a loaded machine timed out and ended the run.
const client = new StreamChat(BENCH_KEY, BENCH_SECRET, { baseURL: emulator.url, disableCache: true, timeout: 10_000, axiosRequestConfig: { httpAgent: new http.Agent({ keepAlive: true, maxSockets: 32 }) } });
await client.upsertUsers([{ id: 'kim', name: 'Kim' }, { id: 'botyard', name: 'Botyard' }] as Loose);
for (let c = 0; c < CHANNELS; c++) await client.channel('messaging', `lat-${c}`, { created_by_id: 'kim', members: ['kim', 'botyard'] } as Loose).create();

const TEXT = '@Botyard what are your opening hours?';
let pool: Array<{ id: string; channel: string }> = [];
let made = 0;
/** scheduled send time (ms, performance.now) by question id, for the run in progress. */
const pending = new Map<string, number>();
const latencies: number[] = [];

emulator.on('event', (e: Loose) => {
  if (e.type !== 'message.new' || e.user?.id !== 'botyard') return;
  const parent = e.message?.parent_id;
  const at = parent ? pending.get(parent) : undefined;
  if (at === undefined) return;
  pending.delete(parent);
  latencies.push(performance.now() - at);
});

async function prepare({ count }: { count: number }) {
  const started = performance.now();
  const todo = Array.from({ length: count }, () => ++made);
  const worker = async () => {
    for (let n = todo.shift(); n !== undefined; n = todo.shift()) {
      const channel = `lat-${n % CHANNELS}`;
      const id = `q-${process.pid}-${n}`;
      await client.channel('messaging', channel).sendMessage({ id, text: TEXT, user_id: 'kim', mentioned_users: ['botyard'] } as Loose);
      pool.push({ id, channel });
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
  return { count, ms: Math.round(performance.now() - started) };
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
function post(url: URL, body: string) {
  const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-signature': sign(body), 'x-webhook-id': `wh-${Math.random().toString(36).slice(2)}` } });
  req.on('response', (res) => res.resume());
  req.on('error', () => undefined);
  req.end(body);
}

async function run({ url, rate, durationS }: { url: string; rate: number; durationS: number }) {
  const target = new URL(url);
  const total = Math.round(rate * durationS);
  if (pool.length < total) throw new Error(`only ${pool.length} prepared questions for ${total} events`);
  const batch = pool.splice(0, total);
  latencies.length = 0;
  pending.clear();
  const t0 = performance.now() + 20;
  let sent = 0;
  while (sent < total) {
    const now = performance.now();
    while (sent < total && t0 + (sent * 1000) / rate <= now) {
      const q = batch[sent]!;
      pending.set(q.id, t0 + (sent * 1000) / rate);
      post(target, messageNewBody({ id: q.id, channel: q.channel, text: TEXT, mentions: [{ id: 'botyard', name: 'Botyard' }] }));
      sent++;
    }
    await new Promise((resolve) => setImmediate(resolve));
    if (performance.now() - now < 0.5) await sleep(1);
  }
  const deadline = performance.now() + 3000;
  while (pending.size && performance.now() < deadline) await sleep(20);
  return { sent: total, replies: latencies.length, missing: pending.size, p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99), max: Math.max(...latencies) };
}

serveIpc({ prepare, run });
process.send!({ type: 'ready', env: emulator.env });
