/**
 * Inside a `describeRedis` suite: Redis queues on fresh names, each stopped and its keys deleted after
 * the test that opened it, and an admin client for looking at what a queue keeps.
 */
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { Redis } from 'ioredis';
import type { EventQueue } from '../../src/queue/queue.ts';
import { createRedisQueue, queueKeyPatterns, type RedisQueueOptions } from '../../src/queue/redis.ts';
import { deleteKeys, redisClient, redisUrl, uniqueName } from '../helpers/redis.ts';

/** Deletes every key of queue `name`. */
export const cleanupQueue = async (admin: Redis, name: string) => {
  for (const pattern of queueKeyPatterns('botyard', name)) await deleteKeys(admin, pattern);
};

export function redisQueues(tag: string): { admin(): Redis; fresh(): string; open(name: string, extra?: Partial<RedisQueueOptions>): EventQueue } {
  let admin: Redis;
  beforeAll(() => void (admin = redisClient()));
  afterAll(async () => void (await admin.quit()));
  const opened: EventQueue[] = [];
  const names: string[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((q) => q.stop(2000)));
    for (const name of names.splice(0)) await cleanupQueue(admin, name);
  });
  return {
    admin: () => admin,
    fresh: () => {
      const name = uniqueName(tag);
      names.push(name);
      return name;
    },
    open: (name, extra = {}) => {
      const queue = createRedisQueue({ url: redisUrl, name, ...extra });
      opened.push(queue);
      return queue;
    },
  };
}
