/**
 * The Redis queue's acceptOnce (redis.ts, redis-scripts.ts): the shared contract, plus what is Redis-specific:
 * every key under the deployment's prefix, a refused event leaving neither job nor mark while the rest
 * of its commit is accepted, the round trips a burst of requests costs, a duplicate's data never
 * touching its pending original's, an accept surviving Redis forgetting its script, and one Redis
 * refuses failing whole.
 */
import { expect, it } from 'vitest';
import { Redis } from 'ioredis';
import type { InboundEvent } from '../../src/adapters/adapter.ts';
import { conversationKey } from '../../src/queue/memory.ts';
import { createRedisQueue } from '../../src/queue/redis.ts';
import { createRedisStore } from '../../src/state/redis.ts';
import { describeRedis, redisClient, redisPrefixes, redisUrl, scanKeys } from '../helpers/redis.ts';
import { startRedisServer } from '../helpers/redis-server.ts';
import { waitFor } from '../helpers/wait.ts';
import { runAcceptContract } from './accept.contract.ts';
import { makeEvent } from './queue.contract.ts';

describeRedis('redis queue: acceptOnce', () => {
  const { admin, fresh } = redisPrefixes('acc');

  runAcceptContract('redis', async () => {
    const prefix = fresh();
    const store = createRedisStore({ url: redisUrl, prefix });
    return {
      queue: createRedisQueue({ url: redisUrl, prefix, concurrency: 8 }),
      store,
      reopen: async () => createRedisQueue({ url: redisUrl, prefix, stalledInterval: 300 }),
      cleanup: () => store.close(),
    };
  });

  it('keeps every key under the prefix: state marks, queued events, conversation order, dead letters', async () => {
    const prefix = fresh();
    const queue = createRedisQueue({ url: redisUrl, prefix, maxAttempts: 1 });
    try {
      const events = [makeEvent('keys', 1), makeEvent('keys', 2)];
      for (const e of events) expect(await queue.acceptOnce!(e, { dedupeKey: `dedupe:${e.id}`, dedupeTtlMs: 60_000 })).toBe('accepted');
      const seen: string[] = [];
      queue.start(async (e) => {
        seen.push(e.id);
        if (e.id === events[1]!.id) throw new Error('to the dead letters');
      });
      await waitFor(async () => (await queue.deadLetters()).length === 1, { what: 'one dead letter' });
      expect(seen).toEqual(events.map((e) => e.id));
      const stray = [...(await scanKeys(admin(), `bull:*${prefix}*`)), ...(await scanKeys(admin(), `botyard:*${prefix}*`))];
      expect(stray).toEqual([]);
      const mine = await scanKeys(admin(), `${prefix}:*`);
      expect(mine).toContain(`${prefix}:dedupe:${events[0]!.id}`);
      expect(mine).toContain(`${prefix}:queue:events:dead`);
      expect(mine).toContain(`${prefix}:queue:events:depth`);
      expect(mine.every((k) => k.startsWith(`${prefix}:queue:events:`) || k.startsWith(`${prefix}:dedupe:`))).toBe(true);
    } finally {
      await queue.stop(2000);
    }
  });

  it('an event the queue cannot store is refused with neither job nor mark left, while its commit accepts the rest', async () => {
    const prefix = fresh();
    const queue = createRedisQueue({ url: redisUrl, prefix });
    const store = createRedisStore({ url: redisUrl, prefix });
    try {
      const good = makeEvent('refuse', 1);
      const bad: InboundEvent = { ...makeEvent('refuse', 2), raw: { big: 1n } }; // JSON cannot encode a BigInt
      const accept = (e: InboundEvent) => queue.acceptOnce!(e, { dedupeKey: `dedupe:${e.id}`, dedupeTtlMs: 60_000 });
      const [ok, refused] = await Promise.allSettled([accept(good), accept(bad)]);
      expect(ok).toEqual({ status: 'fulfilled', value: 'accepted' });
      expect(refused.status).toBe('rejected');
      expect(await store.get(`dedupe:${bad.id}`)).toBeUndefined();
      expect(await store.get(`dedupe:${good.id}`)).toBe('queued');
      // The platform's redelivery, fixed, is accepted (not answered as a duplicate).
      expect(await accept({ ...bad, raw: {} })).toBe('accepted');
      expect(await queue.depth()).toBe(2);
    } finally {
      await queue.stop(2000);
      await store.close();
    }
  });

  it('a burst of 200 concurrent requests is committed in one transaction (their data, then one script call), not 200', async () => {
    const prefix = fresh();
    const connection = redisClient();
    const commands: string[] = [];
    const original = connection.sendCommand.bind(connection);
    connection.sendCommand = ((command: Parameters<Redis['sendCommand']>[0], ...rest: unknown[]) => {
      commands.push(command.name);
      return (original as (...a: unknown[]) => unknown)(command, ...rest);
    }) as Redis['sendCommand'];
    const queue = createRedisQueue({ connection, prefix });
    try {
      const warm = makeEvent('burst-warm', 0);
      await queue.acceptOnce!(warm, { dedupeKey: `dedupe:${warm.id}`, dedupeTtlMs: 60_000 }); // the script loaded
      const events = Array.from({ length: 200 }, (_, i) => makeEvent(`burst-${i % 20}`, i));
      const before = commands.length;
      const started = performance.now();
      const outcomes = await Promise.all(events.map((e) => queue.acceptOnce!(e, { dedupeKey: `dedupe:${e.id}`, dedupeTtlMs: 60_000 })));
      console.info(`[burst] 200 accepts in ${Math.round(performance.now() - started)} ms, ${commands.length - before} commands`);
      expect(outcomes.every((o) => o === 'accepted')).toBe(true);
      // One write, one round trip: MULTI, the HSET of all 200 events' JSON, the script, EXEC.
      expect(commands.slice(before)).toEqual(['multi', 'hset', 'evalsha', 'exec']);
      expect(await queue.depth()).toBe(201);
    } finally {
      await queue.stop(2000);
      await connection.quit();
    }
  });

  it('a duplicate, even one that reads differently, leaves the pending original as it was and nothing of its own', async () => {
    const prefix = fresh();
    const ns = `${prefix}:queue:events`;
    const queue = createRedisQueue({ url: redisUrl, prefix }); // no worker: the original stays pending
    try {
      const original = makeEvent('dup', 1);
      // The same event id arriving again by another route (a redelivery, Event Grid beside the poller).
      const again: InboundEvent = { ...original, message: { ...original.message!, text: 'another copy' } };
      const accept = (e: InboundEvent) => queue.acceptOnce!(e, { dedupeKey: `dedupe:${e.id}`, dedupeTtlMs: 60_000 });
      expect(await accept(original)).toBe('accepted');
      // Both in one commit as well as in a later one.
      expect(await Promise.all([accept(again), accept(again)])).toEqual(['duplicate', 'duplicate']);
      expect(await accept(again)).toBe('duplicate');
      const stored = Object.values(await admin().hgetall(`${ns}:data`)).map((json) => (JSON.parse(json) as InboundEvent).message!.text);
      expect(stored).toEqual([original.message!.text]);
      expect(await admin().llen(`${ns}:c:${conversationKey(original)}`)).toBe(1);
      expect(await queue.depth()).toBe(1);
    } finally {
      await queue.stop(2000);
    }
  });

  it('an accept whose script Redis forgot (a restart, SCRIPT FLUSH) is sent again whole, nothing doubled or left over', async () => {
    const server = await startRedisServer();
    const prefix = fresh();
    const ns = `${prefix}:queue:events`;
    const connection = new Redis(server.url, { maxRetriesPerRequest: null });
    const scriptSends: string[] = [];
    const original = connection.sendCommand.bind(connection);
    connection.sendCommand = ((command: Parameters<Redis['sendCommand']>[0], ...rest: unknown[]) => {
      const sent = (original as (...a: unknown[]) => unknown)(command, ...rest);
      if (command.name.startsWith('eval')) scriptSends.push(command.name); // named once written: eval (whole) or evalsha
      return sent;
    }) as Redis['sendCommand'];
    const queue = createRedisQueue({ connection, prefix });
    try {
      const accept = (e: InboundEvent) => queue.acceptOnce!(e, { dedupeKey: `dedupe:${e.id}`, dedupeTtlMs: 60_000 });
      const [first, second, third] = [makeEvent('flush', 1), makeEvent('flush', 2), makeEvent('flush', 3)];
      expect(await accept(first)).toBe('accepted'); // the script sent whole on this connection, then known
      await connection.script('FLUSH');
      const sendsBefore = scriptSends.length;
      // Redis checks the script's SHA only when EXEC runs it, after the data's HSET: the retry runs both again.
      expect(await Promise.all([accept(second), accept(first), accept(third)])).toEqual(['accepted', 'duplicate', 'accepted']);
      expect(scriptSends.slice(sendsBefore)).toEqual(['evalsha', 'eval']);
      expect(await connection.hlen(`${ns}:data`)).toBe(3);
      expect(await connection.lrange(`${ns}:c:${conversationKey(first)}`, 0, -1)).toHaveLength(3);
      expect(await queue.depth()).toBe(3);
    } finally {
      await queue.stop(2000);
      connection.disconnect();
      await server.stop();
    }
  });

  it('an accept Redis refuses (out of memory) fails whole: nothing marked, stored or listed, no stray rejection', async () => {
    const server = await startRedisServer({ args: ['--maxmemory-policy', 'noeviction'] });
    const prefix = fresh();
    const ns = `${prefix}:queue:events`;
    const connection = new Redis(server.url, { maxRetriesPerRequest: null });
    const queue = createRedisQueue({ connection, prefix });
    try {
      const accept = (e: InboundEvent) => queue.acceptOnce!(e, { dedupeKey: `dedupe:${e.id}`, dedupeTtlMs: 60_000 });
      expect(await accept(makeEvent('oom', 1))).toBe('accepted');
      await connection.config('SET', 'maxmemory', '1'); // every write refused from now on
      // The HSET is refused as it is queued, so EXEC aborts the whole transaction.
      await expect(accept(makeEvent('oom', 2))).rejects.toThrow(/EXECABORT|OOM/);
      await connection.config('SET', 'maxmemory', '0');
      expect(await connection.hlen(`${ns}:data`)).toBe(1);
      expect(await connection.exists(`${prefix}:dedupe:${makeEvent('oom', 2).id}`)).toBe(0);
      expect(await queue.depth()).toBe(1);
      // Redis has room again: the platform's redelivery is accepted.
      expect(await accept(makeEvent('oom', 2))).toBe('accepted');
    } finally {
      await queue.stop(2000);
      connection.disconnect();
      await server.stop();
    }
  });
});
