/**
 * Benchmark 1: webhook ingest. Each server in its own process pinned to CPU 0; autocannon in another
 * process pinned to CPU 1. Runs are interleaved (every setup once per round, three rounds) so drift on
 * this shared machine spreads over all setups; each run also records the server's CPU time per request,
 * which contention does not inflate the way it does requests/s, and how disturbed the run was
 * (disturbance.ts: a disturbed run is run again, and a figure that stayed disturbed is marked).
 *
 * Baselines: (a) the floor (verify + parse + an in-memory set), (a-redis) the same with the dedupe a
 * cluster needs, one SET NX EX on the same Redis (plain, and auto-pipelined), (b) what a user writes
 * with express. Setups (f)/(g) are (c)/(d) with tracing on at the default sampler (a share of events,
 * src/telemetry/sampler.ts), (f100)/(g100) the same tracing every event; all export to a stand-in collector.
 */
import { startBotyard, type BotyardProcess } from '../lib/botyard.ts';
import { redisPid, undisturbed, worst, type Disturbance } from '../lib/disturbance.ts';
import { startNode, type Child } from '../lib/proc.ts';
import { round, spread, type Spread } from '../lib/stats.ts';
import { readFileSync } from 'node:fs';
import { flushRedisDb } from '../lib/redis-db.ts';
import { storeConfig } from '../lib/stores.ts';
import { spansBetween, traceSpansOf, type TraceSpans } from '../lib/trace-spans.ts';

export const REDIS_BENCH_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/13';
/** (f) gets a database of its own: on (d)'s it would be a second instance of (d)'s cluster, sharing its queue. */
const below = (url: string, by: number) => url.replace(/\/(\d+)$/, (_m, db: string) => `/${Number(db) - by}`);
const REDIS_TRACED_URL = below(REDIS_BENCH_URL, 1);
/** (g100)'s database: 10 by default (11 is the limits bench's). */
const REDIS_TRACED_FULL_URL = below(REDIS_BENCH_URL, 3);
/** (d-ingest)'s database, 14 by default: a cluster of its own (focus.ts uses 9, 8 and 7). */
const REDIS_INGEST_URL = below(REDIS_BENCH_URL, -1);

type Key = 'bare' | 'bareRedis' | 'bareRedisPipelined' | 'express' | 'botyard' | 'botyardTwin' | 'botyardRedis' | 'botyardIngest' | 'botyardSqlite' | 'botyardTraced' | 'botyardRedisTraced' | 'botyardTracedFull' | 'botyardRedisTracedFull';
/** The setups that trace: their spans are counted from their /metrics. */
const TRACED = new Set<Key>(['botyardTraced', 'botyardRedisTraced', 'botyardTracedFull', 'botyardRedisTracedFull']);

interface Setup {
  key: Key;
  label: string;
  child: Child;
  url: string;
  /** Uses Redis: its CPU counts as the run's own, and is reported per request. */
  redis: boolean;
  /** A worker instance beside it, paused (SIGSTOP) while the load runs and let go to drain the queue after. */
  worker?: Child;
}

interface Run { rps: number; p50: number; p99: number; cpuUsPerReq: number; redisCpuUsPerReq?: number; errors: number; disturbance: Disturbance }

export interface IngestResult {
  connections: number;
  durationS: number;
  rounds: number;
  /** Seconds of load on each botyard setup (the plain servers: PLAIN_WARMUP_S) before the first round. */
  warmupS?: number;
  setups: Record<string, { label: string; rps: Spread; p50: Spread; p99: Spread; cpuUsPerReq: Spread; redisCpuUsPerReq?: Spread; errors: number; disturbance: Disturbance }>;
  ratios: {
    botyardVsBare: number;
    botyardVsExpress: number;
    cpuBotyardVsBare: number;
    cpuBotyardVsExpress: number;
    /** SQLite (the default store of start) against memory and Redis, requests/s and CPU per request. */
    sqliteVsMemory?: number;
    sqliteVsRedis?: number;
    cpuSqliteVsMemory?: number;
    cpuSqliteVsRedis?: number;
    /** (d) / (a-redis), requests/s and CPU per request (bare ÷ botyard, so > 1 means botyard is cheaper). */
    redisVsBareRedis: number;
    cpuRedisVsBareRedis: number;
    redisVsBareRedisPipelined: number;
    /** (d-ingest) / (a-redis): the accept path alone, as a webhook tier (ingest-only instance). */
    ingestOnlyVsBareRedis?: number;
    cpuIngestOnlyVsBareRedis?: number;
    /**
     * (c2) ÷ (c), CPU per request: two processes of one build under the same load. How far apart they read is
     * what this run can resolve; a ratio between two setups inside that band is not a measured difference.
     */
    twinCpu?: number;
    /** Tracing on (default sampler) ÷ off, CPU per request (1.05 = 5% more). */
    tracingCpuMemory: number;
    tracingCpuRedis: number;
    tracingRpsMemory: number;
    tracingRpsRedis: number;
    /** The same with every event traced (OTEL_TRACES_SAMPLER=parentbased_always_on). */
    tracingFullCpuMemory?: number;
    tracingFullCpuRedis?: number;
    tracingFullRpsMemory?: number;
    tracingFullRpsRedis?: number;
  };
  /** OTLP exports the stand-in collector received during the traced runs. */
  otlp: { requests: number; bytes: number };
  /** Each traced setup's spans over its measured runs, from its /metrics: a dropped span cost no export. */
  traceSpans?: Partial<Record<Key, TraceSpans>>;
  /** RSS of botyard (memory state) under the ingest load: the largest sample. */
  botyardRssUnderLoadMb: number;
  botyardRedisRssUnderLoadMb: number;
  botyardSqliteRssUnderLoadMb?: number;
}

async function startPlain(file: string, key: Key, label: string, env: Record<string, string> = {}, redis = false): Promise<Setup> {
  const child = startNode(file, { cpu: 0, env });
  const { port } = await child.waitFor<{ port: number }>('ready');
  return { key, label, child, url: `http://127.0.0.1:${port}/webhooks/stream`, redis };
}

const fromBotyard = (b: BotyardProcess, key: Key, label: string, redis: boolean): Setup => ({ key, label, child: b.child, url: `${b.url}/webhooks/stream`, redis });

/**
 * (d-ingest): `botyard start --ingest-only` measured alone, as a webhook tier whose workers run on other
 * machines; its worker instance (pinned beside the load generator) is paused during each run, then drains
 * what the run queued before the next one, so its CPU is not the measured server's nor the load's.
 */
async function ingestOnly(env: NodeJS.ProcessEnv): Promise<Setup> {
  const [ingest, worker] = await Promise.all([startBotyard(env, 0, { args: ['--ingest-only'] }), startBotyard(env, 1)]);
  return { ...fromBotyard(ingest, 'botyardIngest', '(d-ingest) = (d) as `start --ingest-only` (its worker instance paused while measured)', true), worker: worker.child };
}

/** Waits (up to 60 s) until a botyard setup's queue is empty; the plain servers have none (300 ms for their sockets to settle). */
export async function drained(s: Pick<Setup, 'key' | 'url'>): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 300));
  if (!s.key.startsWith('botyard')) return;
  const metrics = s.url.replace(/\/webhooks\/stream$/, '/metrics');
  for (const until = Date.now() + 60_000; Date.now() < until; ) {
    const text = await (await fetch(metrics)).text();
    if (/^botyard_queue_depth 0$/m.test(text)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** CPU time of a pid so far, ms (from /proc). */
export function cpuMsOf(pid: number | undefined): number {
  if (!pid) return NaN;
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
}

/**
 * Warm-up per setup, seconds. A botyard process keeps getting cheaper for tens of seconds under load (V8
 * optimizes its longer hot path, and a traced one's rarely taken paths, later than the floor's few functions):
 * (d) measured 148 µs per request in its first 4 s round after a 2 s warm-up and 91–100 µs a minute in,
 * while the floor was flat (bench/NOTES.md). 2 s used to favour the floors and untraced setups.
 */
const WARMUP_S = 20;
const PLAIN_WARMUP_S = 5;

export async function benchIngest(opts: { streamEnv: Record<string, string>; rounds?: number; durationS?: number; warmupS?: number; connections?: number; log: (s: string) => void }): Promise<IngestResult> {
  const rounds = opts.rounds ?? 3;
  const durationS = opts.durationS ?? 5;
  const warmupS = opts.warmupS ?? WARMUP_S;
  const connections = opts.connections ?? 64;
  await flushBenchRedis();
  const redis = redisPid();
  const sink = startNode('bench/lib/otlp-sink.ts', { cpu: 1 });
  const { url: otlpUrl } = await sink.waitFor<{ url: string }>('ready');
  // The bench Redis keeps nothing on disk: say so, or botyard start refuses it (README: Redis in production).
  const withRedis = { ...opts.streamEnv, REDIS_URL: REDIS_BENCH_URL, BOTYARD_REDIS_ALLOW_VOLATILE: '1' };
  const traced = { OTEL_EXPORTER_OTLP_ENDPOINT: otlpUrl };
  const tracedFull = { ...traced, OTEL_TRACES_SAMPLER: 'parentbased_always_on' };
  const setups: Setup[] = [
    await startPlain('bench/ingest/bare-server.ts', 'bare', '(a) node:http + verify + parse (floor)'),
    await startPlain('bench/ingest/bare-redis-server.ts', 'bareRedis', '(a-redis) the floor + Redis SET NX EX dedupe', { REDIS_URL: REDIS_BENCH_URL }, true),
    await startPlain('bench/ingest/bare-redis-server.ts', 'bareRedisPipelined', '(a-redis-p) the same, ioredis auto-pipelining', { REDIS_URL: REDIS_BENCH_URL, AUTOPIPELINE: '1' }, true),
    await startPlain('bench/ingest/express-server.ts', 'express', '(b) express 5 + stream-chat verifyWebhook'),
    fromBotyard(await startBotyard(opts.streamEnv, 0, { config: storeConfig('memory') }), 'botyard', '(c) botyard start, 4 example bots, memory state', false),
    fromBotyard(await startBotyard(opts.streamEnv, 0, { config: storeConfig('memory') }), 'botyardTwin', '(c2) = (c) again, another process: how far apart two identical servers read', false),
    fromBotyard(await startBotyard(withRedis, 0), 'botyardRedis', '(d) botyard start, 4 example bots, Redis state + Redis queue', true),
    await ingestOnly({ ...withRedis, REDIS_URL: REDIS_INGEST_URL }),
    fromBotyard(await startBotyard(opts.streamEnv, 0, { config: storeConfig('sqlite') }), 'botyardSqlite', '(e) botyard start, 4 example bots, SQLite state + queue (the default)', false),
    fromBotyard(await startBotyard({ ...opts.streamEnv, ...traced }, 0, { config: storeConfig('memory') }), 'botyardTraced', '(f) = (c) with tracing on (OTLP export)', false),
    fromBotyard(await startBotyard({ ...withRedis, REDIS_URL: REDIS_TRACED_URL, ...traced }, 0), 'botyardRedisTraced', '(g) = (d) with tracing on (OTLP export)', true),
    fromBotyard(await startBotyard({ ...opts.streamEnv, ...tracedFull }, 0, { config: storeConfig('memory') }), 'botyardTracedFull', '(f100) = (f) tracing every event', false),
    fromBotyard(await startBotyard({ ...withRedis, REDIS_URL: REDIS_TRACED_FULL_URL, ...tracedFull }, 0), 'botyardRedisTracedFull', '(g100) = (g) tracing every event', true),
  ];
  const load = startNode('bench/ingest/load.ts', { cpu: 1 });
  await load.waitFor('ready');
  const runs = new Map<string, Run[]>();
  const peakRss = new Map<string, number>();
  let otlp = { requests: 0, bytes: 0 };
  const traceSpans: Partial<Record<Key, TraceSpans>> = {};
  try {
    for (const s of setups) {
      const t0 = Date.now();
      await load.request('run', { url: s.url, durationS: s.key.startsWith('botyard') ? warmupS : Math.min(warmupS, PLAIN_WARMUP_S), connections });
      await drained(s);
      opts.log(`ingest ${s.key} warmed up in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    }
    const before = await sink.request<{ requests: number; bytes: number }>('counts');
    const tracedSetups = setups.filter((s) => TRACED.has(s.key));
    const spansBefore = await Promise.all(tracedSetups.map((s) => traceSpansOf(new URL(s.url).origin)));
    for (let r0 = 0; r0 < rounds; r0++) {
      for (const s of setups) {
        const { result, disturbance } = await undisturbed(
          `ingest ${s.key} round ${r0 + 1}`,
          async () => {
            const cpu0 = s.child.cpuMs();
            const redis0 = cpuMsOf(redis);
            const sampler = setInterval(() => peakRss.set(s.key, Math.max(peakRss.get(s.key) ?? 0, s.child.rssMb())), 250);
            s.worker?.proc.kill('SIGSTOP');
            const r = await load.request<any>('run', { url: s.url, durationS, connections }).finally(() => s.worker?.proc.kill('SIGCONT'));
            clearInterval(sampler);
            // A queue still draining after the load stops is work the server owes: wait for it and count it.
            await drained(s);
            const total = Math.max(1, r.total);
            return {
              rps: r.rps,
              p50: r.p50,
              p99: r.p99,
              cpuUsPerReq: ((s.child.cpuMs() - cpu0) * 1000) / total,
              ...(s.redis ? { redisCpuUsPerReq: ((cpuMsOf(redis) - redis0) * 1000) / total } : {}),
              errors: r.non2xx + r.errors,
            };
          },
          { extraPids: s.redis && redis ? [redis] : [], log: opts.log },
        );
        (runs.get(s.key) ?? runs.set(s.key, []).get(s.key)!).push({ ...result, disturbance });
        opts.log(`ingest ${s.key} round ${r0 + 1}: ${Math.round(result.rps)} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms, ${round(result.cpuUsPerReq)} µs CPU/req${result.redisCpuUsPerReq !== undefined ? ` (+ Redis ${round(result.redisCpuUsPerReq)} µs)` : ''}, ${result.errors} errors; others ${disturbance.othersPct}%, steal ${disturbance.stealPct}%${disturbance.disturbed ? ' DISTURBED' : ''}`);
      }
    }
    const after = await sink.request<{ requests: number; bytes: number }>('counts');
    otlp = { requests: after.requests - before.requests, bytes: after.bytes - before.bytes };
    for (const [i, s] of tracedSetups.entries()) traceSpans[s.key] = spansBetween(spansBefore[i]!, await traceSpansOf(new URL(s.url).origin));
  } finally {
    await Promise.all([load.stop(), sink.stop(), ...setups.flatMap((s) => [s.child.stop(), ...(s.worker ? [s.worker.stop()] : [])])]);
    await flushBenchRedis();
  }
  const out: IngestResult['setups'] = {};
  for (const s of setups) {
    const list = runs.get(s.key)!;
    out[s.key] = {
      label: s.label,
      rps: spread(list.map((x) => Math.round(x.rps))),
      p50: spread(list.map((x) => x.p50)),
      p99: spread(list.map((x) => x.p99)),
      cpuUsPerReq: spread(list.map((x) => round(x.cpuUsPerReq))),
      ...(s.redis ? { redisCpuUsPerReq: spread(list.map((x) => round(x.redisCpuUsPerReq ?? NaN))) } : {}),
      errors: list.reduce((n, x) => n + x.errors, 0),
      disturbance: worst(list.map((x) => x.disturbance)),
    };
  }
  const rps = (k: Key) => out[k]!.rps.median;
  const cpu = (k: Key) => out[k]!.cpuUsPerReq.median;
  return {
    connections,
    durationS,
    rounds,
    warmupS,
    setups: out,
    ratios: {
      botyardVsBare: round(rps('botyard') / rps('bare'), 2),
      botyardVsExpress: round(rps('botyard') / rps('express'), 2),
      cpuBotyardVsBare: round(cpu('bare') / cpu('botyard'), 2),
      cpuBotyardVsExpress: round(cpu('express') / cpu('botyard'), 2),
      twinCpu: round(cpu('botyardTwin') / cpu('botyard'), 2),
      sqliteVsMemory: round(rps('botyardSqlite') / rps('botyard'), 2),
      sqliteVsRedis: round(rps('botyardSqlite') / rps('botyardRedis'), 2),
      cpuSqliteVsMemory: round(cpu('botyard') / cpu('botyardSqlite'), 2),
      cpuSqliteVsRedis: round(cpu('botyardRedis') / cpu('botyardSqlite'), 2),
      redisVsBareRedis: round(rps('botyardRedis') / rps('bareRedis'), 2),
      cpuRedisVsBareRedis: round(cpu('bareRedis') / cpu('botyardRedis'), 2),
      redisVsBareRedisPipelined: round(rps('botyardRedis') / rps('bareRedisPipelined'), 2),
      ingestOnlyVsBareRedis: round(rps('botyardIngest') / rps('bareRedis'), 2),
      cpuIngestOnlyVsBareRedis: round(cpu('bareRedis') / cpu('botyardIngest'), 2),
      tracingCpuMemory: round(cpu('botyardTraced') / cpu('botyard'), 2),
      tracingCpuRedis: round(cpu('botyardRedisTraced') / cpu('botyardRedis'), 2),
      tracingRpsMemory: round(rps('botyardTraced') / rps('botyard'), 2),
      tracingRpsRedis: round(rps('botyardRedisTraced') / rps('botyardRedis'), 2),
      tracingFullCpuMemory: round(cpu('botyardTracedFull') / cpu('botyard'), 2),
      tracingFullCpuRedis: round(cpu('botyardRedisTracedFull') / cpu('botyardRedis'), 2),
      tracingFullRpsMemory: round(rps('botyardTracedFull') / rps('botyard'), 2),
      tracingFullRpsRedis: round(rps('botyardRedisTracedFull') / rps('botyardRedis'), 2),
    },
    otlp,
    traceSpans,
    botyardRssUnderLoadMb: round(peakRss.get('botyard') ?? NaN),
    botyardRedisRssUnderLoadMb: round(peakRss.get('botyardRedis') ?? NaN),
    botyardSqliteRssUnderLoadMb: round(peakRss.get('botyardSqlite') ?? NaN),
  };
}

/** The bench uses its own Redis databases (13, 12 and 10 unless BENCH_REDIS_URL says otherwise) and empties them before and after. */
export async function flushBenchRedis(): Promise<void> {
  for (const url of [REDIS_BENCH_URL, REDIS_TRACED_URL, REDIS_TRACED_FULL_URL, REDIS_INGEST_URL]) await flushRedisDb(url);
}
