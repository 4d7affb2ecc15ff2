import { afterAll, beforeAll } from 'vitest';
import type { Redis } from 'ioredis';
import { createRedisTimers } from '../../../src/scheduler/timers/redis.ts';
import type { TimerBackend } from '../../../src/scheduler/timers/types.ts';
import { deleteKeys, describeRedis, redisClient, redisUrl, uniqueName } from '../../helpers/redis.ts';
import { waitFor } from '../../helpers/wait.ts';
import { runTimersContract } from './timers.contract.ts';

describeRedis('redis timers', () => {
  let admin: Redis;
  const names: string[] = [];
  beforeAll(() => void (admin = redisClient()));
  afterAll(async () => {
    for (const name of names) {
      await deleteKeys(admin, `bull:${name}:*`);
      await deleteKeys(admin, `botyard:timers:${name}:*`);
    }
    await admin.quit();
  });

  runTimersContract('redis', async () => {
    const name = uniqueName('timers');
    names.push(name);
    let instances: TimerBackend[] = [];
    const instance = (options: { concurrency?: number } = {}) => {
      const backend = createRedisTimers({ url: redisUrl, name, ...options });
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
});
