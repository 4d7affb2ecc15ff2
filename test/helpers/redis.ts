/**
 * Tests that need a real Redis (REDIS_URL, default redis://127.0.0.1:6379).
 *
 * When Redis is unreachable they are skipped with a visible note, except under CI (`CI` set), where
 * an unreachable Redis is a failure: CI must never go green by skipping.
 *
 *   describeRedis('redis store', () => { ... });
 *   const prefix = uniqueName('store');  // unique per test, so parallel files never collide
 *   await deleteKeys(client, `${prefix}*`);
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { Redis } from 'ioredis';

export const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const inCI = !!process.env.CI && process.env.CI !== 'false' && process.env.CI !== '0';

/** True when a Redis at `url` answers PING within a second. Never throws. */
export async function redisAnswers(url: string): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 1000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/** True when Redis answered a PING when this module loaded. */
export const redisAvailable = await redisAnswers(redisUrl);

if (!redisAvailable && !inCI) {
  console.warn(`[botyard tests] Redis is unreachable at ${redisUrl}: Redis suites are SKIPPED. Start redis-server or set REDIS_URL.`);
}

/** `describe` for suites that need Redis: skipped with a note when it is down, failing under CI. */
export function describeRedis(name: string, fn: () => void): void {
  if (redisAvailable) {
    describe(name, fn);
  } else if (inCI) {
    describe(name, () => {
      it(`needs Redis at ${redisUrl}`, () => {
        throw new Error(`Redis is unreachable at ${redisUrl} and CI is set: start Redis before the tests (or fix REDIS_URL).`);
      });
    });
  } else {
    describe.skip(`${name} (skipped: Redis unreachable at ${redisUrl})`, fn);
  }
}

/** A name no other test (or test process) uses: safe as a key prefix or a BullMQ queue name (no ':'). */
export function uniqueName(tag: string): string {
  return `t-${tag}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/** A fresh ioredis client on REDIS_URL; the caller quits it. */
export function redisClient(): Redis {
  return new Redis(redisUrl, { maxRetriesPerRequest: null });
}

/** Every key matching `pattern` (SCAN, never KEYS). */
export async function scanKeys(client: Redis, pattern: string): Promise<string[]> {
  const found = new Set<string>();
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    cursor = next;
    for (const key of keys) found.add(key);
  } while (cursor !== '0');
  return [...found];
}

/** Deletes every key matching `pattern`. */
export async function deleteKeys(client: Redis, pattern: string): Promise<number> {
  const keys = await scanKeys(client, pattern);
  return keys.length ? client.unlink(...keys) : 0;
}

/**
 * Inside a `describeRedis` suite: an admin client for the suite and fresh key prefixes (`fresh()`), whose
 * keys are all deleted when the suite ends.
 */
export function redisPrefixes(tag: string): { admin(): Redis; fresh(): string } {
  let admin: Redis;
  const prefixes: string[] = [];
  beforeAll(() => void (admin = redisClient()));
  afterAll(async () => {
    for (const p of prefixes) await deleteKeys(admin, `${p}:*`);
    await admin.quit();
  });
  return {
    admin: () => admin,
    fresh: () => {
      const prefix = uniqueName(tag);
      prefixes.push(prefix);
      return prefix;
    },
  };
}
