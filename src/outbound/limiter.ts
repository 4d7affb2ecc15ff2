/**
 * The pacing half of outbound: a Limiter makes a call wait until its limit allows it (calls are never
 * dropped). Two implementations: the local token bucket below (memory and SQLite: one process), and
 * redis-limiter.ts, whose counters every instance shares.
 */
import type { KindLimit } from './limits.ts';
import { abortableSleep } from './abortable.ts';
import { TokenBucket } from './token-bucket.ts';

export interface Limiter {
  /** Resolves when one call counted under `key` may go; rejects with the signal's reason once it aborts (no slot is then taken). */
  acquire(limit: KindLimit, key: string, signal?: AbortSignal): Promise<void>;
  /** The platform said the limit is used up until `untilMs` (epoch ms): hold every call of `key` until then. */
  pause(limit: KindLimit, key: string, untilMs: number): Promise<void>;
  close?(): Promise<void>;
}

/**
 * Bucket parameters that never let more than a window's limit through any rolling window: capacity c
 * and rate r with c + r·W ≤ L for the long window and the short one (ACS's 10 per 10 s).
 *
 * The default burst of a per-minute limit with no short window (Stream's) is one second's share of the
 * minute (L/60): Stream also refuses more than L/30 in any second (its per-second limit), and a burst of
 * L/60 plus a second's refill (under L/60) stays within that. A tenth of the minute, as it was, sent 100
 * calls at once against Stream's 33 per second for 1,000 a minute.
 */
export function bucketFor(limit: KindLimit): { limit: number; windowMs: number; burst: number } {
  const smallest = Math.min(limit.limit, limit.short?.limit ?? Infinity);
  // A configured burst of a whole window's limit or more would leave no rate for the rest of that window
  // (ACS: `burst: 10` against 10 sends per 10 s): the largest burst that still leaves one is used instead.
  const oneSecond = (limit.limit * 1000) / limit.windowMs;
  const burst = limit.burst !== undefined ? Math.max(1, Math.min(limit.burst, smallest - 1)) : Math.max(1, Math.floor(limit.short ? smallest / 2 : oneSecond));
  const rates = [(limit.limit - burst) / limit.windowMs, ...(limit.short ? [(limit.short.limit - burst) / limit.short.windowMs] : [])];
  const rate = Math.min(...rates);
  // A configured burst larger than the limit leaves no rate: fall back to the plain average.
  const perMs = rate > 0 ? rate : limit.limit / limit.windowMs;
  return { limit: perMs * 60_000, windowMs: 60_000, burst };
}

/** One token bucket per key, in this process. */
export function createLocalLimiter(options: { now?: () => number; sleep: (ms: number) => Promise<void> }): Limiter {
  const now = options.now ?? Date.now;
  const buckets = new Map<string, { bucket: TokenBucket; limit: KindLimit }>();
  const pausedUntil = new Map<string, number>();
  return {
    async acquire(limit, key, signal) {
      const held = (pausedUntil.get(key) ?? 0) - now();
      if (held > 0) await abortableSleep(options.sleep, held, signal);
      else pausedUntil.delete(key);
      let entry = buckets.get(key);
      // A learned limit replaces the bucket built from the old one.
      if (!entry || entry.limit !== limit) buckets.set(key, (entry = { bucket: new TokenBucket(bucketFor(limit), now), limit }));
      const wait = entry.bucket.reserve();
      if (wait > 0) await abortableSleep(options.sleep, wait, signal);
    },
    async pause(_limit, key, untilMs) {
      pausedUntil.set(key, Math.max(untilMs, pausedUntil.get(key) ?? 0));
    },
  };
}
