/**
 * Benchmark 5: outbound limits shared by instances. Two `botyard start` instances on one Redis, one
 * shared limit of 600 sends a minute (bot.config.ts), offered 2,000 events a minute for a minute (each
 * event one reply). The emulator's gate enforces 600 per rolling minute the way Stream does (429 past
 * it) and records every send it let through: the bench reads the busiest rolling minute, the 429s, and
 * whether every event was answered (nothing dropped: the backlog waits in the queue and the limiter).
 */
import { startBotyard, type BotyardProcess } from '../lib/botyard.ts';
import { redisPid, watch, type Disturbance } from '../lib/disturbance.ts';
import { startNode } from '../lib/proc.ts';
import { flushRedisDb } from '../lib/redis-db.ts';

const LIMITS_REDIS_URL = process.env.BENCH_LIMITS_REDIS_URL ?? 'redis://127.0.0.1:6379/11';

export interface LimitsResult {
  limitPerMinute: number;
  offeredPerMinute: number;
  offerSeconds: number;
  offered: number;
  acked: number;
  answered: number;
  refused429: number;
  sends: number;
  worstRollingMinute: number;
  /** From the first send to the last reply. */
  drainSeconds: number;
  /** Sustained rate while the backlog drained, sends per minute. */
  sustainedPerMinute: number;
  disturbance: Disturbance;
}

export async function benchLimits(opts: { limitPerMinute?: number; offeredPerMinute?: number; offerSeconds?: number; log: (s: string) => void }): Promise<LimitsResult> {
  const limit = opts.limitPerMinute ?? 600;
  const perMinute = opts.offeredPerMinute ?? 2000;
  const seconds = opts.offerSeconds ?? 60;
  await flush();
  const world = startNode('bench/limits/world.ts', { cpu: 1, env: { LIMIT_PER_MINUTE: String(limit) } });
  const { env } = await world.waitFor<{ env: Record<string, string> }>('ready', 120_000);
  const instances: BotyardProcess[] = [];
  const w = watch({ extraPids: [redisPid()].filter((p): p is number => p !== undefined) });
  try {
    // The bench Redis keeps nothing on disk: say so, or botyard start refuses it (README: Redis in production).
    const runEnv = { ...env, REDIS_URL: LIMITS_REDIS_URL, BOTYARD_REDIS_ALLOW_VOLATILE: '1', LIMIT_PER_MINUTE: String(limit) };
    instances.push(await startBotyard(runEnv, 0, { config: 'bench/limits/bot.config.ts' }), await startBotyard(runEnv, 0, { config: 'bench/limits/bot.config.ts' }));
    opts.log(`limits: offering ${perMinute}/min for ${seconds} s to two instances sharing ${limit}/min`);
    const offer = await world.request<{ offered: number }>('offer', { urls: instances.map((i) => `${i.url}/webhooks/stream`), perMinute, seconds }, (seconds + 60) * 1000);
    // At ~90% of the limit the backlog drains in offered/limit minutes; give it half as long again.
    const drainBudgetMs = Math.ceil((offer.offered / (limit * 0.9)) * 60_000 * 1.5) + 30_000;
    const r = await world.request<any>('drain', { timeoutMs: drainBudgetMs }, drainBudgetMs + 30_000);
    const drainSeconds = Math.round(((r.lastSendAt ?? 0) - (r.firstSendAt ?? 0)) / 1000);
    const result: LimitsResult = {
      limitPerMinute: limit,
      offeredPerMinute: perMinute,
      offerSeconds: seconds,
      offered: r.offered,
      acked: r.acked,
      answered: r.answered,
      refused429: r.refused,
      sends: r.sends,
      worstRollingMinute: r.worstRollingMinute,
      drainSeconds,
      sustainedPerMinute: drainSeconds > 0 ? Math.round((r.sends / drainSeconds) * 60) : NaN,
      disturbance: w.stop(),
    };
    opts.log(`limits: ${result.answered}/${result.offered} answered, busiest rolling minute ${result.worstRollingMinute} sends (limit ${limit}), ${result.refused429} refused with 429, drained in ${drainSeconds} s; others ${result.disturbance.othersPct}%`);
    return result;
  } finally {
    await Promise.all([...instances.map((i) => i.child.stop()), world.stop()]);
    await flush();
  }
}

const flush = () => flushRedisDb(LIMITS_REDIS_URL);
