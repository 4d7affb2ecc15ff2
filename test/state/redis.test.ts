import { afterAll, beforeAll, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { createRedisStore } from '../../src/state/redis.ts';
import type { StateStore } from '../../src/state/store.ts';
import { deleteKeys, describeRedis, redisClient, redisUrl, scanKeys, uniqueName } from '../helpers/redis.ts';
import { waitFor } from '../helpers/wait.ts';
import { runStoreContract } from './store.contract.ts';

describeRedis('redis store', () => {
  // Made in beforeAll, so a skipped suite (Redis down) opens no connection while being collected.
  let admin: Redis;
  beforeAll(() => void (admin = redisClient()));
  const stores: StateStore[] = [];
  const prefixes: string[] = [];

  const fresh = (extra: { client?: Redis } = {}) => {
    const prefix = uniqueName('store');
    prefixes.push(prefix);
    const store = createRedisStore({ url: redisUrl, prefix, ...extra });
    stores.push(store);
    return { store, prefix };
  };

  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
    for (const p of prefixes) await deleteKeys(admin, `${p}:*`);
    await admin.quit();
  });

  /**
   * Redis keeps real time, so "advancing" moves every key of this harness closer to expiry by
   * `ms` (PTTL - ms, deleted at <= 0) instead of sleeping. Real expiry is tested separately below.
   */
  runStoreContract('redis', async () => {
    const { store, prefix } = fresh();
    return {
      store,
      advance: async (ms) => {
        const keys = await scanKeys(admin, `${prefix}:*`);
        for (const key of keys) {
          const ttl = await admin.pttl(key);
          if (ttl < 0) continue;
          if (ttl <= ms) await admin.del(key);
          else await admin.pexpire(key, ttl - ms);
        }
      },
    };
  });

  it('really expires keys on the Redis clock', async () => {
    const { store } = fresh();
    // The lease first: Redis counts each TTL from its own write, so once the keys written after it have
    // expired, so has the lease (written last, on a loaded machine it could outlive them by a few ms).
    expect(await store.acquireLease('lease', 'a', 30)).toBe(true);
    await store.set('short', 1, { ttlMs: 30 });
    expect(await store.setIfNotExists('nx', 1, { ttlMs: 30 })).toBe(true);
    await waitFor(async () => (await store.get('short')) === undefined && (await store.get('nx')) === undefined, { timeoutMs: 10_000, what: 'both keys expired' });
    expect(await store.acquireLease('lease', 'b', 1000)).toBe(true);
  });

  it('namespaces keys under the prefix and stores JSON', async () => {
    const { store, prefix } = fresh();
    await store.set('k', { a: [1, 'x'] });
    expect(await admin.get(`${prefix}:k`)).toBe('{"a":[1,"x"]}');
    expect(await admin.exists('k')).toBe(0);
  });

  it('increment applies the TTL only when it creates the key, and refuses non-numbers', async () => {
    const { store, prefix } = fresh();
    expect(await store.increment('c', 2, { ttlMs: 60_000 })).toBe(2);
    const ttl1 = await admin.pttl(`${prefix}:c`);
    expect(ttl1).toBeGreaterThan(50_000);
    await admin.pexpire(`${prefix}:c`, 30_000);
    expect(await store.increment('c', 3, { ttlMs: 60_000 })).toBe(5);
    expect(await admin.pttl(`${prefix}:c`)).toBeLessThanOrEqual(30_000);
    expect(await store.increment('plain')).toBe(1);
    expect(await admin.pttl(`${prefix}:plain`)).toBe(-1);
    expect(await store.increment('f', 0.5)).toBe(0.5);
    await store.set('s', 'text');
    await expect(store.increment('s')).rejects.toThrow(TypeError);
  });

  it('update: instances on separate connections hammering one key lose nothing', async () => {
    const { store: a, prefix } = fresh();
    const b = createRedisStore({ url: redisUrl, prefix });
    const c = createRedisStore({ url: redisUrl, prefix });
    stores.push(b, c);
    const started = Date.now();
    await Promise.all(
      [a, b, c].flatMap((s) => Array.from({ length: 30 }, () => s.update<number>('n', (n) => (n ?? 0) + 1))),
    );
    console.log(`[redis update] 90 updates from 3 connections in ${Date.now() - started} ms`);
    expect(await a.get('n')).toBe(90);
  });

  it('update: when another writer commits between read and write, fn runs again on the new value', async () => {
    // A client whose first GET answers, then lets another writer commit before fn sees the (now stale) value.
    const client = redisClient();
    const realGet = client.get.bind(client);
    let interfered = false;
    client.get = (async (key: string) => {
      const value = await realGet(key);
      if (!interfered) {
        interfered = true;
        await admin.set(key, '10');
      }
      return value;
    }) as typeof client.get;
    const { store } = fresh({ client });
    await store.set('k', 1);
    const seen: (number | undefined)[] = [];
    const result = await store.update<number>('k', (n) => (seen.push(n), n! + 1));
    expect(seen).toEqual([1, 10]);
    expect(result).toBe(11);
    expect(await store.get('k')).toBe(11);
    await client.quit();
  });

  it('a lease value reads back as its owner, like the memory store', async () => {
    const { store } = fresh();
    await store.acquireLease('l', 'instance-1', 5000);
    expect(await store.get('l')).toBe('instance-1');
  });

  it('ping answers false (without throwing or hanging) when Redis is unreachable', async () => {
    const store = createRedisStore({ url: 'redis://127.0.0.1:1', prefix: uniqueName('down'), pingTimeoutMs: 200 });
    const started = Date.now();
    expect(await store.ping()).toBe(false);
    expect(Date.now() - started).toBeLessThan(1500);
    await store.close();
  });

  it('close() quits a client it created, and leaves a given client open', async () => {
    const client = redisClient();
    const { store } = fresh({ client });
    await store.set('x', 1);
    await store.close();
    expect(await client.ping()).toBe('PONG');
    await client.quit();

    const own = createRedisStore({ url: redisUrl, prefix: uniqueName('own') });
    expect(await own.ping()).toBe(true);
    await own.close();
    expect(await own.ping()).toBe(false);
  });
});
