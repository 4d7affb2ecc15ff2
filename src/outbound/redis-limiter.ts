/**
 * Outbound limits shared by every instance on one Redis, counted by rate-limiter-flexible
 * (RateLimiterRedis: one atomic script per call). N instances together send at most the platform's
 * limit instead of N times it, and wait for their turn instead of leaning on 429s.
 *
 * - Each limit ("at most L per W", and ACS's short window beside it) is counted in fixed windows cut
 *   so that no rolling W exceeds L (window-plan.ts).
 * - Waiting, not dropping: a refused call sleeps until the counter's window ends (`msBeforeNext`) and
 *   asks again. Within one process, calls of one key queue in line (FIFO) and only the first asks Redis,
 *   so a backlog costs one Redis call per window per instance, not one per waiting call.
 * - A platform's "nothing left until T" on an answer (X-RateLimit-Remaining: 0, read by outbound.ts) fills
 *   the counters until T, so every instance holds back, not only the one that was told. A 429 is waited out
 *   by the call that got it alone (outbound.ts says why).
 * - Redis unreachable: each counter falls back to an in-process one with the same numbers
 *   (`insuranceLimiter`), so calls keep going at one instance's share rather than stopping.
 */
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { abortableSleep, untilAborted } from './abortable.ts';
import type { Limiter } from './limiter.ts';
import type { KindLimit } from './limits.ts';
import { planWindows, type WindowPlan } from './window-plan.ts';

export interface RedisLimiterOptions {
  /** Redis URL; ignored when `client` is given. */
  url?: string;
  /** A client to use; never closed by the limiter. */
  client?: Redis;
  /** Key namespace (config `redisPrefix`): counters live at `<prefix>:limit:*`. Default 'botyard'. */
  prefix?: string;
  log?: Logger;
  sleep?: (ms: number) => Promise<void>;
}

interface Counter {
  limiter: RateLimiterRedis;
  plan: WindowPlan;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createRedisLimiter(options: RedisLimiterOptions): Limiter {
  const owned = !options.client;
  const client = options.client ?? new Redis(options.url ?? 'redis://127.0.0.1:6379', { enableAutoPipelining: true, maxRetriesPerRequest: 1 });
  if (owned) client.on('error', () => {}); // failures show as insurance use, logged below
  const prefix = options.prefix ?? 'botyard';
  const sleep = options.sleep ?? realSleep;
  const counters = new Map<string, Counter>();
  const plans = new WeakMap<KindLimit, Counter[]>();
  const lanes = new Map<string, Promise<void>>();
  let warnedInsurance = false;

  const counter = (plan: WindowPlan): Counter => {
    const id = `${plan.points}-${plan.durationS}`;
    let c = counters.get(id);
    if (!c) {
      const opts = { points: plan.points, duration: plan.durationS };
      const limiter = new RateLimiterRedis({
        ...opts,
        storeClient: client,
        keyPrefix: `${prefix}:limit:${id}`,
        insuranceLimiter: new RateLimiterMemory(opts),
      });
      counters.set(id, (c = { limiter, plan }));
    }
    return c;
  };

  const countersFor = (limit: KindLimit): Counter[] => {
    let list = plans.get(limit);
    if (!list) {
      list = [counter(planWindows(limit.limit, limit.windowMs))];
      if (limit.short) list.push(counter(planWindows(limit.short.limit, limit.short.windowMs)));
      plans.set(limit, list);
    }
    return list;
  };

  /**
   * Takes one point from every counter of `key`, waiting out refusals; gives back what a later refusal
   * made useless. Once `signal` aborts it takes nothing more (a call aborted while in line never asks).
   */
  const take = async (list: Counter[], key: string, signal: AbortSignal | undefined): Promise<void> => {
    for (;;) {
      signal?.throwIfAborted();
      let refusedFor = 0;
      const taken: Counter[] = [];
      for (const c of list) {
        try {
          await c.limiter.consume(key, 1);
          taken.push(c);
        } catch (res) {
          if (!(res instanceof RateLimiterRes)) throw res;
          refusedFor = Math.max(1, res.msBeforeNext);
          break;
        }
      }
      if (!refusedFor) return;
      for (const c of taken) await c.limiter.reward(key, 1).catch(() => undefined);
      // A little jitter, so instances that were refused together do not all ask again at once.
      await abortableSleep(sleep, refusedFor + Math.floor(Math.random() * 20), signal);
    }
  };

  return {
    acquire(limit, key, signal) {
      const list = countersFor(limit);
      const before = lanes.get(key) ?? Promise.resolve();
      const turn = before.then(() => take(list, key, signal));
      const settled = turn.catch(() => undefined);
      lanes.set(key, settled);
      void settled.then(() => {
        if (lanes.get(key) === settled) lanes.delete(key);
      });
      const paced = turn.catch((error: unknown) => {
        if (signal?.aborted) throw signal.reason; // aborted, not unpaced: the call must not go
        if (!warnedInsurance) options.log?.warn({ err: error }, 'shared outbound limits unavailable; this call goes unpaced');
        warnedInsurance = true;
      });
      // An abort does not wait for the calls ahead in line.
      return untilAborted(paced, signal);
    },
    async pause(limit, key, untilMs) {
      const seconds = Math.ceil((untilMs - Date.now()) / 1000);
      if (seconds <= 0) return;
      await Promise.all(countersFor(limit).map((c) => c.limiter.block(key, seconds).catch(() => undefined)));
    },
    async close() {
      if (owned && client.status !== 'end') await client.quit().catch(() => client.disconnect());
    },
  };
}
