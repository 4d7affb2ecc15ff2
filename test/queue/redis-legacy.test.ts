/** Upgrading from an older queue layout (before redisPrefix covered the queue; BullMQ under the prefix): events left there are reported at start, not left unseen. */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { createRedisQueue } from '../../src/queue/redis.ts';
import { createLogger } from '../../src/runtime/log.ts';
import { deleteKeys, describeRedis, redisClient, redisUrl, uniqueName } from '../helpers/redis.ts';
import { waitFor } from '../helpers/wait.ts';

describeRedis('redis queue: the old key layout', () => {
  let admin: Redis;
  const prefix = uniqueName('legacy');
  beforeAll(() => void (admin = redisClient()));
  afterAll(async () => {
    await deleteKeys(admin, `${prefix}:*`);
    await deleteKeys(admin, `bull:${prefix}-events:*`);
    await admin.quit();
  });

  it('warns at start, with the count and what to do, when events wait under bull:<prefix>-events', async () => {
    await admin.rpush(`bull:${prefix}-events:wait`, 'ev-a', 'ev-b');
    await admin.zadd(`bull:${prefix}-events:delayed`, 1, 'ev-c');
    const lines: Array<Record<string, unknown>> = [];
    const log = createLogger({ destination: new Writable({ write: (c, _e, done) => void (lines.push(JSON.parse(String(c))), done()) }) });
    const queue = createRedisQueue({ url: redisUrl, prefix, log });
    try {
      queue.start(async () => undefined);
      const warning = await waitFor(() => lines.find((l) => String(l.msg).includes('old key layout')), { what: 'the warning' });
      expect(warning).toMatchObject({ level: 40, count: 3, keys: `bull:${prefix}-events:*` });
      expect(String(warning.msg)).toMatch(/run the previous botyard version until botyard_queue_depth is 0/);
    } finally {
      await queue.stop(2000);
    }
  });

  it('warns at start when events wait in the BullMQ layout under the prefix (<prefix>:events)', async () => {
    const layout = uniqueName('legacy2');
    await admin.rpush(`${layout}:events:wait`, 'ev-a');
    await admin.zadd(`${layout}:events:delayed`, 1, 'ev-b');
    const lines: Array<Record<string, unknown>> = [];
    const log = createLogger({ destination: new Writable({ write: (c, _e, done) => void (lines.push(JSON.parse(String(c))), done()) }) });
    const queue = createRedisQueue({ url: redisUrl, prefix: layout, log });
    try {
      queue.start(async () => undefined);
      const warning = await waitFor(() => lines.find((l) => String(l.msg).includes('BullMQ layout')), { what: 'the warning' });
      expect(warning).toMatchObject({ level: 40, count: 2, keys: `${layout}:events:*` });
      expect(String(warning.msg)).toMatch(/run the previous botyard version until botyard_queue_depth is 0/);
    } finally {
      await queue.stop(2000);
      await deleteKeys(admin, `${layout}:*`);
    }
  });
});
