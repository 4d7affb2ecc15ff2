/**
 * Benchmark 1: webhook ingest. Four servers, each in its own process pinned to CPU 0; autocannon in
 * another process pinned to CPU 1. Runs are interleaved (a b c d, three times) so drift on this
 * shared machine spreads over all setups; each run also records the server's CPU time per request,
 * which contention on the machine does not inflate the way it does requests/s.
 */
import { startBotyard, type BotyardProcess } from '../lib/botyard.ts';
import { startNode, type Child } from '../lib/proc.ts';
import { round, spread, type Spread } from '../lib/stats.ts';
import { storeConfig } from '../lib/stores.ts';

export const REDIS_BENCH_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/13';

interface Setup {
  key: 'bare' | 'express' | 'botyard' | 'botyardSqlite' | 'botyardRedis';
  label: string;
  child: Child;
  url: string;
}

export interface IngestResult {
  connections: number;
  durationS: number;
  setups: Record<string, { label: string; rps: Spread; p50: Spread; p99: Spread; cpuUsPerReq: Spread; errors: number }>;
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
  };
  /** RSS of botyard (memory state) under the ingest load: the largest sample. */
  botyardRssUnderLoadMb: number;
  botyardRedisRssUnderLoadMb: number;
  botyardSqliteRssUnderLoadMb?: number;
}

async function startPlain(file: string, key: Setup['key'], label: string): Promise<Setup> {
  const child = startNode(file, { cpu: 0 });
  const { port } = await child.waitFor<{ port: number }>('ready');
  return { key, label, child, url: `http://127.0.0.1:${port}/webhooks/stream` };
}

const fromBotyard = (b: BotyardProcess, key: Setup['key'], label: string): Setup => ({ key, label, child: b.child, url: `${b.url}/webhooks/stream` });

export async function benchIngest(opts: { streamEnv: Record<string, string>; rounds?: number; durationS?: number; connections?: number; log: (s: string) => void }): Promise<IngestResult> {
  const rounds = opts.rounds ?? 3;
  const durationS = opts.durationS ?? 5;
  const connections = opts.connections ?? 64;
  await flushBenchRedis();
  const setups: Setup[] = [
    await startPlain('bench/ingest/bare-server.ts', 'bare', '(a) node:http + verify + parse (floor)'),
    await startPlain('bench/ingest/express-server.ts', 'express', '(b) express 5 + stream-chat verifyWebhook'),
    fromBotyard(await startBotyard(3911, opts.streamEnv, 0, { config: storeConfig('memory') }), 'botyard', '(c) botyard start, 4 example bots, memory state'),
    fromBotyard(await startBotyard(3912, { ...opts.streamEnv, REDIS_URL: REDIS_BENCH_URL, BOTYARD_REDIS_ALLOW_VOLATILE: '1' }, 0), 'botyardRedis', '(d) botyard start, 4 example bots, Redis state + BullMQ queue'),
    fromBotyard(await startBotyard(3913, opts.streamEnv, 0, { config: storeConfig('sqlite') }), 'botyardSqlite', '(e) botyard start, 4 example bots, SQLite state + queue (the default)'),
  ];
  const load = startNode('bench/ingest/load.ts', { cpu: 1 });
  await load.waitFor('ready');
  const runs = new Map<string, Array<{ rps: number; p50: number; p99: number; cpuUsPerReq: number; errors: number }>>();
  const peakRss = new Map<string, number>();
  try {
    for (const s of setups) await load.request('run', { url: s.url, durationS: 2, connections }); // warm-up (JIT, connection pools)
    for (let r0 = 0; r0 < rounds; r0++) {
      for (const s of setups) {
        const cpu0 = s.child.cpuMs();
        const sampler = setInterval(() => peakRss.set(s.key, Math.max(peakRss.get(s.key) ?? 0, s.child.rssMb())), 250);
        const r = await load.request<any>('run', { url: s.url, durationS, connections });
        clearInterval(sampler);
        // A queue still draining after the load stops is work the server owes: wait and count it.
        await new Promise((resolve) => setTimeout(resolve, 300));
        const cpuUsPerReq = ((s.child.cpuMs() - cpu0) * 1000) / Math.max(1, r.total);
        const list = runs.get(s.key) ?? [];
        list.push({ rps: r.rps, p50: r.p50, p99: r.p99, cpuUsPerReq, errors: r.non2xx + r.errors });
        runs.set(s.key, list);
        opts.log(`ingest ${s.key} round ${r0 + 1}: ${Math.round(r.rps)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms, ${round(cpuUsPerReq)} µs CPU/req, ${r.non2xx + r.errors} errors`);
      }
    }
  } finally {
    await Promise.all([load.stop(), ...setups.map((s) => s.child.stop())]);
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
      errors: list.reduce((n, x) => n + x.errors, 0),
    };
  }
  const rps = (k: string) => out[k]!.rps.median;
  const cpu = (k: string) => out[k]!.cpuUsPerReq.median;
  return {
    connections,
    durationS,
    setups: out,
    ratios: {
      botyardVsBare: round(rps('botyard') / rps('bare'), 2),
      botyardVsExpress: round(rps('botyard') / rps('express'), 2),
      cpuBotyardVsBare: round(cpu('bare') / cpu('botyard'), 2),
      cpuBotyardVsExpress: round(cpu('express') / cpu('botyard'), 2),
      sqliteVsMemory: round(rps('botyardSqlite') / rps('botyard'), 2),
      sqliteVsRedis: round(rps('botyardSqlite') / rps('botyardRedis'), 2),
      cpuSqliteVsMemory: round(cpu('botyard') / cpu('botyardSqlite'), 2),
      cpuSqliteVsRedis: round(cpu('botyardRedis') / cpu('botyardSqlite'), 2),
    },
    botyardRssUnderLoadMb: round(peakRss.get('botyard') ?? NaN),
    botyardRedisRssUnderLoadMb: round(peakRss.get('botyardRedis') ?? NaN),
    botyardSqliteRssUnderLoadMb: round(peakRss.get('botyardSqlite') ?? NaN),
  };
}

/** The bench uses its own Redis database (13 unless BENCH_REDIS_URL says otherwise) and empties it before and after. */
export async function flushBenchRedis(): Promise<void> {
  const { Redis } = await import('ioredis');
  const redis = new Redis(REDIS_BENCH_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    await redis.flushdb();
  } finally {
    redis.disconnect();
  }
}
