/**
 * A narrow ingest run for working on one setup: the same servers and load as bench/ingest/bench.ts,
 * only the setups named, alternated for a few rounds, reporting server CPU µs per request (and
 * Redis's) beside requests/s. Not part of `npm run bench`; for before/after comparisons while
 * changing the accept path, the Redis queue or tracing.
 *
 *   npx tsx bench/ingest/focus.ts [--rounds 3] [--seconds 4] [--prof d] [--sampler name:arg] bareRedis d dTraced dFull c cTraced cFull
 *
 * …Traced setups trace at the default sampler (or --sampler), …Full ones every event.
 *
 * `--prof <setup>` runs that setup under `node --cpu-prof` (profiles land in bench/results/tmp/prof).
 * It uses Redis databases 9, 8 and 7 (FOCUS_REDIS_URL), never the full bench's 13 and 12, so it can run
 * beside it.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { startBotyard } from '../lib/botyard.ts';
import { redisPid } from '../lib/disturbance.ts';
import { ROOT, startNode, type Child } from '../lib/proc.ts';
import { flushRedisDb } from '../lib/redis-db.ts';
import { storeConfig } from '../lib/stores.ts';
import { cpuMsOf, drained } from './bench.ts';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args.splice(at, 2)[1]! : fallback;
};
const rounds = Number(flag('rounds', '3'));
const seconds = Number(flag('seconds', '4'));
const prof = flag('prof', '');
const sampler = flag('sampler', '');
const wanted = args.length ? args : ['bareRedis', 'd', 'dTraced'];
const REDIS = process.env.FOCUS_REDIS_URL ?? 'redis://127.0.0.1:6379/9';
const below = (url: string) => url.replace(/\/(\d+)$/, (_m, db: string) => `/${Number(db) - 1}`);
const REDIS_TRACED = below(REDIS);
const REDIS_FULL = below(REDIS_TRACED);
const profDir = path.join(ROOT, 'bench/results/tmp/prof');
mkdirSync(profDir, { recursive: true });

interface Setup { key: string; child: Child; url: string; redis: boolean }

const emulator = startNode('bench/lib/stream-emulator.ts', { cpu: 1 });
const { env } = await emulator.waitFor<{ env: Record<string, string> }>('ready');
const sink = startNode('bench/lib/otlp-sink.ts', { cpu: 1 });
const { url: otlpUrl } = await sink.waitFor<{ url: string }>('ready');
const traced = { OTEL_EXPORTER_OTLP_ENDPOINT: otlpUrl, ...(sampler ? { OTEL_TRACES_SAMPLER: sampler.split(':')[0]!, OTEL_TRACES_SAMPLER_ARG: sampler.split(':')[1] ?? '' } : {}) };
/** Tracing every event (the …Full setups), beside the default sampler's share. */
const tracedFull = { OTEL_EXPORTER_OTLP_ENDPOINT: otlpUrl, OTEL_TRACES_SAMPLER: 'parentbased_always_on' };
const withRedis = { ...env, REDIS_URL: REDIS, BOTYARD_REDIS_ALLOW_VOLATILE: '1' };
const nodeArgs = (key: string) => (key === prof ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : []);

const makers: Record<string, () => Promise<Setup>> = {
  bareRedis: async () => {
    const child = startNode('bench/ingest/bare-redis-server.ts', { cpu: 0, env: { REDIS_URL: REDIS }, nodeArgs: nodeArgs('bareRedis') });
    const { port } = await child.waitFor<{ port: number }>('ready');
    return { key: 'bareRedis', child, url: `http://127.0.0.1:${port}/webhooks/stream`, redis: true };
  },
  c: async () => fromBotyard('c', await startBotyard(env, 0, { config: storeConfig('memory'), nodeArgs: nodeArgs('c') }), false),
  cTraced: async () => fromBotyard('cTraced', await startBotyard({ ...env, ...traced }, 0, { config: storeConfig('memory'), nodeArgs: nodeArgs('cTraced') }), false),
  cFull: async () => fromBotyard('cFull', await startBotyard({ ...env, ...tracedFull }, 0, { config: storeConfig('memory'), nodeArgs: nodeArgs('cFull') }), false),
  dFull: async () => fromBotyard('dFull', await startBotyard({ ...withRedis, REDIS_URL: REDIS_FULL, ...tracedFull }, 0, { nodeArgs: nodeArgs('dFull') }), true),
  d: async () => fromBotyard('d', await startBotyard(withRedis, 0, { nodeArgs: nodeArgs('d') }), true),
  dTraced: async () => fromBotyard('dTraced', await startBotyard({ ...withRedis, REDIS_URL: REDIS_TRACED, ...traced }, 0, { nodeArgs: nodeArgs('dTraced') }), true),
};
const fromBotyard = (key: string, b: { child: Child; url: string }, redis: boolean): Setup => ({ key, child: b.child, url: `${b.url}/webhooks/stream`, redis });

for (const url of [REDIS, REDIS_TRACED, REDIS_FULL]) await flushRedisDb(url);
const setups: Setup[] = [];
for (const key of wanted) setups.push(await makers[key]!());
const load = startNode('bench/ingest/load.ts', { cpu: 1 });
await load.waitFor('ready');
const redis = redisPid();
const results = new Map<string, string[]>();
try {
  for (const s of setups) await load.request('run', { url: s.url, durationS: 2, connections: 64 });
  for (let r = 0; r < rounds; r++) {
    for (const s of setups) {
      await drained({ key: s.key === 'bareRedis' ? 'bareRedis' : 'botyard', url: s.url });
      const cpu0 = s.child.cpuMs();
      const redis0 = cpuMsOf(redis);
      const res = await load.request<any>('run', { url: s.url, durationS: seconds, connections: 64 });
      await drained({ key: s.key === 'bareRedis' ? 'bareRedis' : 'botyard', url: s.url });
      const total = Math.max(1, res.total);
      const line = `${Math.round(res.rps)} req/s ${Math.round(((s.child.cpuMs() - cpu0) * 1000) / total)} µs${s.redis ? ` +R ${Math.round(((cpuMsOf(redis) - redis0) * 1000) / total)}` : ''}${res.non2xx + res.errors ? ` ERR ${res.non2xx + res.errors}` : ''}`;
      (results.get(s.key) ?? results.set(s.key, []).get(s.key)!).push(line);
      console.log(`${s.key.padEnd(10)} round ${r + 1}: ${line}`);
    }
  }
} finally {
  // Servers first: a traced one flushes its spans to the sink as it stops (and writes its profile).
  await Promise.all([load.stop(), ...setups.map((s) => s.child.stop('SIGINT'))]);
  await Promise.all([sink.stop(), emulator.stop()]);
  for (const url of [REDIS, REDIS_TRACED, REDIS_FULL]) await flushRedisDb(url);
}
for (const [key, lines] of results) console.log(`${key.padEnd(10)} ${lines.join(' | ')}`);
