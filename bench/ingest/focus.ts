/**
 * A narrow ingest run for working on one setup: the same servers and load as bench/ingest/bench.ts,
 * only the setups named, alternated for a few rounds, reporting server CPU µs per request (and
 * Redis's) beside requests/s. Not part of `npm run bench`; for before/after comparisons while
 * changing the accept path, the Redis queue or tracing.
 *
 *   npx tsx bench/ingest/focus.ts [--rounds 3] [--seconds 4] [--prof d] [--sampler name:arg] [--rate N] [--warmup S] [--paired] a bareRedis minQueue d dTraced dFull dOff dIngest dIngestBase dIngestTraced e eBase c cBase cTraced cTracedBase cOff cHooksOff cToggle cFull
 *
 * cBase, cTracedBase, dBase and dIngestBase are c, cTraced, d and dIngest run by another build (FOCUS_BASE=<its checkout>) on this checkout's bots
 * and config: before and after a change, measured side by side with --paired.
 * `minQueue` is the least a durable Redis queue can do (bench/ingest/minimal-queue-server.ts), a lower bound for (d).
 * `e` is (c) on SQLite (the default store). `a` is the memory floor (bench/ingest/bare-server.ts: node:http + verify + parse), `bareRedis` the Redis one.
 * …Traced setups trace at the default sampler (or --sampler), …Full ones every event, cOff and dOff none (tracing on,
 * parentbased_always_off); cHooksOff is cTraced with its hooks turned back into plain calls after start
 * (bench/ingest/hooks-off.mjs): the SDK loaded and registered, no per-request tracing work. cToggle is
 * one traced process measured twice a round, hooks on (cToggle+) and off (cToggle-), in alternating order.
 *
 * `--paired` runs the setups at the same time, each under its own load generator, so they share whatever
 * else the machine is doing; the ratio to the first setup named is printed per round.
 *
 * `--prof <setup>[,<setup>…]` runs those setups under `node --cpu-prof` (profiles land in bench/results/tmp/prof).
 * It uses Redis databases 9 to 5 (FOCUS_REDIS_URL and the four below it), never the full bench's 13 and 12, so it can run
 * beside it.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { startBotyard } from '../lib/botyard.ts';
import { redisPid } from '../lib/disturbance.ts';
import { ROOT, startNode, type Child } from '../lib/proc.ts';
import { flushRedisDb } from '../lib/redis-db.ts';
import { storeConfig } from '../lib/stores.ts';
import { traceSpansOf } from '../lib/trace-spans.ts';
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
/** --rate N: each load offers N requests/s (open loop) rather than as many as the server takes (closed loop, 64 connections). */
const rate = Number(flag('rate', '0'));
/** --warmup S: seconds of load on each setup before the first round (V8 takes tens of seconds to settle the hot path). */
const warmup = Number(flag('warmup', '2'));
const paired = args.includes('--paired') && !!args.splice(args.indexOf('--paired'), 1);
const wanted = args.length ? args : ['bareRedis', 'd', 'dTraced'];
const REDIS = process.env.FOCUS_REDIS_URL ?? 'redis://127.0.0.1:6379/9';
const below = (url: string) => url.replace(/\/(\d+)$/, (_m, db: string) => `/${Number(db) - 1}`);
const REDIS_TRACED = below(REDIS);
const REDIS_FULL = below(REDIS_TRACED);
/** The ingest-only setups' clusters (6 and 5 by default): each a cluster of its own, an ingest instance and its worker. */
const REDIS_INGEST = below(REDIS_FULL);
const REDIS_INGEST_TRACED = below(REDIS_INGEST);
const profDir = path.join(ROOT, 'bench/results/tmp/prof');
mkdirSync(profDir, { recursive: true });

/** `worker`: an ingest-only setup's worker instance, paused (SIGSTOP) while its ingest instance is measured. */
interface Setup { key: string; child: Child; url: string; redis: boolean; worker?: Child }

// As run.ts does: bin/botyard.js runs src/ through tsx when dist/ is older, which a focus run would measure instead.
execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'inherit' });
const emulator = startNode('bench/lib/stream-emulator.ts', { cpu: 1 });
const { env } = await emulator.waitFor<{ env: Record<string, string> }>('ready');
const sink = startNode('bench/lib/otlp-sink.ts', { cpu: 1 });
const { url: otlpUrl } = await sink.waitFor<{ url: string }>('ready');
const traced = { OTEL_EXPORTER_OTLP_ENDPOINT: otlpUrl, ...(sampler ? { OTEL_TRACES_SAMPLER: sampler.split(':')[0]!, OTEL_TRACES_SAMPLER_ARG: sampler.split(':')[1] ?? '' } : {}) };
/** Tracing every event (the …Full setups), beside the default sampler's share. */
const tracedFull = { OTEL_EXPORTER_OTLP_ENDPOINT: otlpUrl, OTEL_TRACES_SAMPLER: 'parentbased_always_on' };
/** Tracing on with nothing sampled (the …Off setups): what being on costs before any span is recorded. */
const tracedOff = { OTEL_EXPORTER_OTLP_ENDPOINT: otlpUrl, OTEL_TRACES_SAMPLER: 'parentbased_always_off' };
const withRedis = { ...env, REDIS_URL: REDIS, BOTYARD_REDIS_ALLOW_VOLATILE: '1' };
// FOCUS_NODE_ARGS: V8 flags for every server (say --trace-deopt); with FOCUS_DUMP=1 each server's stdout lands in bench/results/tmp/<setup>.out.
const extraArgs = (process.env.FOCUS_NODE_ARGS ?? '').split(' ').filter(Boolean);
// FOCUS_NODE_ARGS_<setup> (say FOCUS_NODE_ARGS_dBase): flags for that setup alone, to compare a flag's effect side by side.
const nodeArgs = (key: string) => [...extraArgs, ...(process.env[`FOCUS_NODE_ARGS_${key}`] ?? '').split(' ').filter(Boolean), ...(prof.split(',').includes(key) ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [])];

const makers: Record<string, () => Promise<Setup>> = {
  a: async () => {
    const child = startNode('bench/ingest/bare-server.ts', { cpu: 0, nodeArgs: nodeArgs('a') });
    const { port } = await child.waitFor<{ port: number }>('ready');
    return { key: 'a', child, url: `http://127.0.0.1:${port}/webhooks/stream`, redis: false };
  },
  bareRedis: async () => {
    const child = startNode('bench/ingest/bare-redis-server.ts', { cpu: 0, env: { REDIS_URL: REDIS }, nodeArgs: nodeArgs('bareRedis') });
    const { port } = await child.waitFor<{ port: number }>('ready');
    return { key: 'bareRedis', child, url: `http://127.0.0.1:${port}/webhooks/stream`, redis: true };
  },
  minQueue: async () => {
    const child = startNode('bench/ingest/minimal-queue-server.ts', { cpu: 0, env: { REDIS_URL: REDIS }, nodeArgs: nodeArgs('minQueue') });
    const { port } = await child.waitFor<{ port: number }>('ready');
    return { key: 'minQueue', child, url: `http://127.0.0.1:${port}/webhooks/stream`, redis: true };
  },
  c: async () => fromBotyard('c', await startBotyard(env, 0, { config: storeConfig('memory'), nodeArgs: nodeArgs('c') }), false),
  cBase: async () => fromBotyard('cBase', await startBotyard(env, 0, { config: storeConfig('memory'), nodeArgs: nodeArgs('cBase'), entry: baseEntry() }), false),
  cTracedBase: async () => fromBotyard('cTracedBase', await startBotyard({ ...env, ...traced }, 0, { config: storeConfig('memory'), nodeArgs: nodeArgs('cTracedBase'), entry: baseEntry() }), false),
  cTraced: async () => fromBotyard('cTraced', await startBotyard({ ...env, ...traced }, 0, { config: storeConfig('memory'), nodeArgs: nodeArgs('cTraced') }), false),
  cOff: async () => fromBotyard('cOff', await startBotyard({ ...env, ...tracedOff }, 0, { config: storeConfig('memory'), nodeArgs: nodeArgs('cOff') }), false),
  cHooksOff: async () => {
    const b = await startBotyard({ ...env, ...traced }, 0, { config: storeConfig('memory'), nodeArgs: ['--import', path.join(ROOT, 'bench/ingest/hooks-off.mjs'), ...nodeArgs('cHooksOff')] });
    b.child.proc.kill('SIGUSR2');
    return fromBotyard('cHooksOff', b, false);
  },
  cToggle: async () => fromBotyard('cToggle', await startBotyard({ ...env, ...traced }, 0, { config: storeConfig('memory'), nodeArgs: ['--import', path.join(ROOT, 'bench/ingest/hooks-off.mjs'), ...nodeArgs('cToggle')] }), false),
  e: async () => fromBotyard('e', await startBotyard(env, 0, { config: storeConfig('sqlite'), nodeArgs: nodeArgs('e') }), false),
  eBase: async () => fromBotyard('eBase', await startBotyard({ ...env, BENCH_SQLITE_FILE: 'base.db' }, 0, { config: storeConfig('sqlite', 'base.db'), nodeArgs: nodeArgs('eBase'), entry: baseEntry() }), false),
  cFull: async () => fromBotyard('cFull', await startBotyard({ ...env, ...tracedFull }, 0, { config: storeConfig('memory'), nodeArgs: nodeArgs('cFull') }), false),
  dFull: async () => fromBotyard('dFull', await startBotyard({ ...withRedis, REDIS_URL: REDIS_FULL, ...tracedFull }, 0, { nodeArgs: nodeArgs('dFull') }), true),
  dBase: async () => fromBotyard('dBase', await startBotyard({ ...withRedis, REDIS_URL: REDIS_TRACED }, 0, { nodeArgs: nodeArgs('dBase'), entry: baseEntry() }), true),
  d: async () => fromBotyard('d', await startBotyard(withRedis, 0, { nodeArgs: nodeArgs('d') }), true),
  dOff: async () => fromBotyard('dOff', await startBotyard({ ...withRedis, REDIS_URL: REDIS_FULL, ...tracedOff }, 0, { nodeArgs: nodeArgs('dOff') }), true),
  dIngest: async () => ingestOnly('dIngest', { ...withRedis, REDIS_URL: REDIS_INGEST }),
  dIngestBase: async () => ingestOnly('dIngestBase', { ...withRedis, REDIS_URL: REDIS_TRACED }, baseEntry()),
  dIngestTraced: async () => ingestOnly('dIngestTraced', { ...withRedis, REDIS_URL: REDIS_INGEST_TRACED, ...traced }),
  dTraced: async () => fromBotyard('dTraced', await startBotyard({ ...withRedis, REDIS_URL: REDIS_TRACED, ...traced }, 0, { nodeArgs: nodeArgs('dTraced') }), true),
};
/** (d-ingest) as bench.ts runs it: `start --ingest-only` on CPU 0, its worker instance beside the load on CPU 1. */
async function ingestOnly(key: string, env: Record<string, string>, entry?: string): Promise<Setup> {
  const build = entry ? { entry } : {};
  const [ingest, worker] = await Promise.all([startBotyard(env, 0, { args: ['--ingest-only'], nodeArgs: nodeArgs(key), ...build }), startBotyard(env, 1, build)]);
  return { ...fromBotyard(key, ingest, true), worker: worker.child };
}
/** FOCUS_BASE: another checkout, built (say `git archive <commit> | tar -x -C dir`, node_modules linked, `npm run build`). */
function baseEntry(): string {
  if (!process.env.FOCUS_BASE) throw new Error('cBase, cTracedBase, dBase and dIngestBase run another build: set FOCUS_BASE to its checkout');
  return path.join(process.env.FOCUS_BASE, 'bin/botyard.js');
}
const fromBotyard = (key: string, b: { child: Child; url: string }, redis: boolean): Setup => ({ key, child: b.child, url: `${b.url}/webhooks/stream`, redis });

for (const url of [REDIS, REDIS_TRACED, REDIS_FULL, REDIS_INGEST, REDIS_INGEST_TRACED]) await flushRedisDb(url);
const setups: Setup[] = [];
for (const key of wanted) setups.push(await makers[key]!());
/** cToggle is measured as two setups sharing one process: hooks on, hooks off. */
const hooksOn = new Map<Setup, boolean>();
for (const [i, s] of [...setups.entries()].reverse()) {
  if (s.key !== 'cToggle') continue;
  const off = { ...s, key: 'cToggle-' };
  s.key = 'cToggle+';
  setups.splice(i + 1, 0, off);
  hooksOn.set(s, true).set(off, false);
}
let hooksAre = true;
async function setHooks(s: Setup): Promise<void> {
  const want = hooksOn.get(s);
  if (want === undefined || want === hooksAre) return;
  const told = s.child.waitFor<{ on: boolean }>('hooks');
  s.child.proc.kill('SIGUSR2');
  hooksAre = (await told).on;
}
// --paired: every setup under its own load at the same time, so all of them see the same contention
// (on a shared machine the round-to-round drift is larger than a tracing difference); else one at a time.
const loads = (paired ? setups : setups.slice(0, 1)).map(() => startNode('bench/ingest/load.ts', { cpu: 1 }));
await Promise.all(loads.map((l) => l.waitFor('ready')));
const loadOf = (i: number) => loads[paired ? i : 0]!;
const redis = redisPid();
const results = new Map<string, string[]>();
const ratios = new Map<string, number[]>();
const settle = (s: Setup) => drained({ key: s.key === 'bareRedis' ? 'bareRedis' : s.key === 'a' ? 'bare' : 'botyard', url: s.url });

/** One measured run of `s`: its line, and its CPU µs per request. */
async function measure(s: Setup, i: number): Promise<number> {
  const cpu0 = s.child.cpuMs();
  const redis0 = cpuMsOf(redis);
  s.worker?.proc.kill('SIGSTOP');
  const res = await loadOf(i).request<any>('run', { url: s.url, durationS: seconds, connections: 64, ...(rate ? { rate } : {}) }).finally(() => s.worker?.proc.kill('SIGCONT'));
  await settle(s);
  const total = Math.max(1, res.total);
  const us = ((s.child.cpuMs() - cpu0) * 1000) / total;
  const line = `${Math.round(res.rps)} req/s ${Math.round(us)} µs${s.redis ? ` +R ${Math.round(((cpuMsOf(redis) - redis0) * 1000) / total)}` : ''}${res.non2xx + res.errors ? ` ERR ${res.non2xx + res.errors}` : ''}`;
  (results.get(s.key) ?? results.set(s.key, []).get(s.key)!).push(line);
  return us;
}

try {
  for (const [i, s] of setups.entries()) await loadOf(i).request('run', { url: s.url, durationS: warmup, connections: 64, ...(rate ? { rate } : {}) });
  for (let r = 0; r < rounds; r++) {
    const us: number[] = [];
    if (paired) {
      if (hooksOn.size) throw new Error('cToggle measures one process twice: not with --paired');
      await Promise.all(setups.map(settle));
      us.push(...(await Promise.all(setups.map((s, i) => measure(s, i)))));
    } else {
      const order = [...setups.entries()];
      // cToggle's two halves swap places every round, so neither always runs second.
      if (r % 2 === 1) for (let i = 0; i + 1 < order.length; i++) if (hooksOn.get(order[i]![1]) === true && hooksOn.get(order[i + 1]![1]) === false) [order[i], order[i + 1]] = [order[i + 1]!, order[i]!];
      const byIndex: number[] = [];
      for (const [i, s] of order) {
        await setHooks(s);
        await settle(s);
        byIndex[i] = await measure(s, i);
      }
      us.push(...byIndex);
    }
    for (const [i, s] of setups.entries()) {
      const ratio = us[i]! / us[0]!;
      if (i > 0) (ratios.get(s.key) ?? ratios.set(s.key, []).get(s.key)!).push(ratio);
      console.log(`${s.key.padEnd(10)} round ${r + 1}: ${results.get(s.key)!.at(-1)}${i > 0 ? ` (${ratio.toFixed(2)}x ${setups[0]!.key})` : ''}`);
    }
    console.log(`  load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  }
  for (const s of setups) {
    if (!/Traced|Full|Off|Toggle|HooksOff/.test(s.key)) continue;
    const spans = await traceSpansOf(new URL(s.url).origin);
    console.log(`${s.key.padEnd(10)} spans since start: ${spans.exported} exported, ${spans.dropped} dropped, ${spans.exportFailed} lost to failed exports`);
  }
} finally {
  // Servers first: a traced one flushes its spans to the sink as it stops (and writes its profile).
  await Promise.all([...loads.map((l) => l.stop()), ...[...new Set(setups.flatMap((s) => [s.child, ...(s.worker ? [s.worker] : [])]))].map((c) => c.stop('SIGINT'))]);
  await Promise.all([sink.stop(), emulator.stop()]);
  if (process.env.FOCUS_DUMP) for (const s of setups) writeFileSync(path.join(ROOT, `bench/results/tmp/${s.key}.out`), s.child.stdout());
  for (const url of [REDIS, REDIS_TRACED, REDIS_FULL, REDIS_INGEST, REDIS_INGEST_TRACED]) await flushRedisDb(url);
}
for (const [key, lines] of results) console.log(`${key.padEnd(10)} ${lines.join(' | ')}`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
for (const [key, list] of ratios) console.log(`${key.padEnd(10)} ÷ ${setups[0]!.key}: median ${median(list).toFixed(2)}x (${list.map((x) => x.toFixed(2)).join(', ')})`);
