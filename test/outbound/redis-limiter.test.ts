/**
 * Shared outbound limits on a real Redis: two limiters (two instances) on one prefix together stay under
 * one limit in every rolling window, nothing is dropped, a platform's hold reaches the other instance,
 * an unreachable Redis never stops calls, and a handler's abort ends its wait without taking a slot.
 */
import { expect, it } from 'vitest';
import type { KindLimit } from '../../src/outbound/limits.ts';
import { createRedisLimiter } from '../../src/outbound/redis-limiter.ts';
import { describeRedis, redisPrefixes, redisUrl, scanKeys } from '../helpers/redis.ts';
import { waitFor } from '../helpers/wait.ts';

describeRedis('shared outbound limits (Redis)', () => {
  const { admin, fresh } = redisPrefixes('limit');

  it('two instances offered 3x a limit of 20 per 2 s: every call goes, none in any rolling 2 s beyond 20', async () => {
    const prefix = fresh();
    const [a, b] = [createRedisLimiter({ url: redisUrl, prefix }), createRedisLimiter({ url: redisUrl, prefix })];
    const limit: KindLimit = { limit: 20, windowMs: 2000, scope: 'app' };
    const granted: Array<{ at: number; by: string }> = [];
    const started = Date.now();
    try {
      await Promise.all(
        Array.from({ length: 60 }, (_, i) => (i % 2 ? a : b).acquire(limit, 'stream:send').then(() => void granted.push({ at: Date.now(), by: i % 2 ? 'a' : 'b' }))),
      );
    } finally {
      await Promise.all([a.close!(), b.close!()]);
    }
    const times = granted.map((g) => g.at);
    const most = Math.max(...times.map((t) => times.filter((u) => u >= t && u < t + 2000).length));
    console.info(`[shared] 60 calls granted over ${Date.now() - started} ms; most in a rolling 2 s: ${most}`);
    expect(granted).toHaveLength(60);
    expect(most).toBeLessThanOrEqual(20);
    expect(new Set(granted.map((g) => g.by))).toEqual(new Set(['a', 'b']));
  }, 60_000);

  it('a hold one instance was told about (X-RateLimit-Remaining: 0) makes the other wait too', async () => {
    const prefix = fresh();
    const [a, b] = [createRedisLimiter({ url: redisUrl, prefix }), createRedisLimiter({ url: redisUrl, prefix })];
    const limit: KindLimit = { limit: 1000, windowMs: 60_000, scope: 'app' };
    try {
      await b.acquire(limit, 'stream:send');
      await a.pause(limit, 'stream:send', Date.now() + 1500);
      const started = Date.now();
      await b.acquire(limit, 'stream:send');
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    } finally {
      await Promise.all([a.close!(), b.close!()]);
    }
  }, 20_000);

  it('an aborted call ends its wait at once, in a refused window or in line, and takes no slot; the line goes on', async () => {
    const prefix = fresh();
    const waits: number[] = [];
    // The refused window lasts a minute: a wait that ends within the test ended at its abort.
    const limiter = createRedisLimiter({ url: redisUrl, prefix, sleep: (ms) => (waits.push(ms), new Promise((r) => setTimeout(r, ms).unref())) });
    const limit: KindLimit = { limit: 1, windowMs: 60_000, scope: 'app' };
    /** Calls counted in Redis (rate-limiter-flexible counts a refused ask too). */
    const asked = async () => {
      const keys = await scanKeys(admin(), `${prefix}:limit:*`);
      return (await Promise.all(keys.map((k) => admin().get(k)))).reduce((n, v) => n + Number(v), 0);
    };
    const aborts = [new AbortController(), new AbortController(), new AbortController()];
    const [refused, inLine, last] = aborts;
    try {
      await limiter.acquire(limit, 'stream:send'); // the window's one slot
      const waitingForWindow = limiter.acquire(limit, 'stream:send', refused!.signal);
      const waitingInLine = limiter.acquire(limit, 'stream:send', inLine!.signal);
      const behind = limiter.acquire(limit, 'stream:send', last!.signal);
      await waitFor(() => waits.length === 1, { what: 'the second call refused and waiting for the next window' });
      inLine!.abort(new Error('handler timed out (in line)'));
      await expect(waitingInLine).rejects.toThrow('handler timed out (in line)'); // not after the call ahead of it
      refused!.abort(new Error('handler timed out (refused)'));
      await expect(waitingForWindow).rejects.toThrow('handler timed out (refused)');
      // The call behind both still gets its turn: it asks (and is refused, the window being used).
      await waitFor(() => waits.length === 2, { what: 'the last call to ask for its turn' });
      // First, second (refused) and last asked; the call aborted in line never did.
      expect(await asked()).toBe(3);
      last!.abort(new Error('done'));
      await expect(behind).rejects.toThrow('done');
    } finally {
      for (const a of aborts) a.abort();
      await limiter.close!();
    }
  }, 20_000);

  it('keeps calls going, paced in-process, when Redis is unreachable', async () => {
    const down = createRedisLimiter({ url: 'redis://127.0.0.1:1', prefix: fresh() });
    const limit: KindLimit = { limit: 1000, windowMs: 60_000, scope: 'app' };
    try {
      const started = Date.now();
      for (let i = 0; i < 5; i++) await down.acquire(limit, 'stream:send');
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      await down.close!();
    }
  });
});
