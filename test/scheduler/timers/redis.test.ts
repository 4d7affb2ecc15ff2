import { expect, it } from 'vitest';
import { createRedisTimers } from '../../../src/scheduler/timers/redis.ts';
import type { TimerBackend } from '../../../src/scheduler/timers/types.ts';
import { describeRedis, redisPrefixes, redisUrl, scanKeys } from '../../helpers/redis.ts';
import { waitFor } from '../../helpers/wait.ts';
import { runTimersContract } from './timers.contract.ts';

describeRedis('redis timers', () => {
  const { admin, fresh } = redisPrefixes('timers');

  runTimersContract('redis', async () => {
    const prefix = fresh();
    let instances: TimerBackend[] = [];
    const instance = (options: { concurrency?: number } = {}) => {
      const backend = createRedisTimers({ url: redisUrl, prefix, ...options });
      instances.push(backend);
      return backend;
    };
    return {
      instance,
      now: () => Date.now(),
      async until(check, ms, what) {
        await waitFor(check, { timeoutMs: ms + 10_000, intervalMs: 10, what });
      },
      async restart() {
        // As on SIGKILL: nothing is stopped gracefully; the connections just go away.
        for (const i of instances.splice(0)) await i.stop(0).then(() => i.close());
        return instance();
      },
      async close() {
        for (const i of instances.splice(0)) await i.stop(2000).then(() => i.close());
      },
    };
  });

  it('a timer whose instance died mid-handler runs again on another instance once the lock lapses', async () => {
    const prefix = fresh();
    const options = { url: redisUrl, prefix, lockMs: 1000, stalledCheckMs: 500 };
    const a = createRedisTimers(options);
    const b = createRedisTimers(options);
    const runs: string[] = [];
    a.start(async (t) => {
      runs.push(`a:${t.id}`);
      return new Promise(() => {}); // the process dies in here
    });
    await a.schedule({ bot: 'b', id: 'x', name: 'n', dueAt: Date.now() + 100, payload: null, createdAt: Date.now(), attempt: 1 });
    await waitFor(() => runs.length === 1, { what: 'A took the timer' });
    await a.stop(0); // its connections drop: the lock is no longer renewed
    const killedAt = Date.now();
    b.start(async (t) => {
      runs.push(`b:${t.id}`);
      return { kind: 'done' };
    });
    await waitFor(() => runs.length === 2, { timeoutMs: 20_000, what: 'B ran it' });
    console.info(`[timers/redis] a dead instance's timer ran elsewhere ${Date.now() - killedAt} ms later`);
    expect(runs).toEqual(['a:x', 'b:x']);
    await b.stop();
    await Promise.all([a.close(), b.close()]);
    // As every other Redis key botyard writes (README: Redis keys): BullMQ's and the indexes, under the prefix.
    const keys = await scanKeys(admin(), `*${prefix}*`);
    expect(keys.some((k) => k.startsWith(`${prefix}:timers:`))).toBe(true);
    expect(keys.filter((k) => !k.startsWith(`${prefix}:`))).toEqual([]);
  });
});
