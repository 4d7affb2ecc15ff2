/**
 * ctx.store.update from handlers: 50 users send a command at once, each handler adds one to the same
 * key; the final value must count all 50, on every store. A get-then-set handler beside it shows what
 * the test would catch: concurrent handlers overwrite each other.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { defineBot } from 'botyard';
import { createTestRuntime, type TestRuntime } from 'botyard/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRedisStore } from '../../src/state/redis.ts';
import { createSqliteStore } from '../../src/state/sqlite.ts';
import { openSqliteDatabase, type SqliteDatabase } from '../../src/state/sqlite-db.ts';
import type { StateStore } from '../../src/state/store.ts';
import { deleteKeys, describeRedis, redisClient, redisUrl, uniqueName } from '../helpers/redis.ts';

const counter = defineBot({
  name: 'counter',
  setup(bot) {
    bot.command('count', async (ctx) => {
      // The naive way first, for contrast: read, then write what was read plus one.
      const seen = (await ctx.store.get<number>('naive')) ?? 0;
      await ctx.store.set('naive', seen + 1);
      const after = await ctx.store.update<number>('hits', (n) => (n ?? 0) + 1);
      await ctx.store.update<string[]>('who', (list) => [...(list ?? []), ctx.sender.id]);
      await ctx.reply(`count ${after}`);
    });
  },
});

function hammer(name: string, storeFor: () => Promise<StateStore | undefined>) {
  it(`${name}: 50 concurrent handlers updating one key → the value counts all 50`, async () => {
    const t: TestRuntime = await createTestRuntime({ bots: [counter], ...(await storeFor().then((store) => (store ? { store } : {}))) });
    try {
      await Promise.all(Array.from({ length: 50 }, (_, i) => t.user(`u${i}`).say(`room-${i}`, '/count')));
      const store = t.runtime.store;
      expect(await store.get('bot:counter:hits')).toBe(50);
      expect(new Set(await store.get<string[]>('bot:counter:who')).size).toBe(50);
      // Each handler saw a different count: every update saw the one before it.
      const counts = Array.from({ length: 50 }, (_, i) => Number(t.botMessages(`room-${i}`)[0]!.text.split(' ')[1]));
      expect(new Set(counts).size).toBe(50);
      expect(await store.get<number>('bot:counter:naive')).toBeLessThan(50);
    } finally {
      await t.stop();
    }
  });
}

describe('ctx.store.update', () => {
  hammer('memory store', async () => undefined);
});

describe('ctx.store.update on SQLite', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'botyard-update-'));
  let db: SqliteDatabase | undefined;
  afterEach(() => db?.close());
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  hammer('sqlite store', async () => {
    db = await openSqliteDatabase({ path: path.join(dir, 'state.db') });
    return createSqliteStore({ db });
  });
});

describeRedis('ctx.store.update on Redis', () => {
  let admin: Redis;
  const prefix = uniqueName('update');
  const stores: StateStore[] = [];
  beforeAll(() => void (admin = redisClient()));
  afterEach(async () => void (await Promise.all(stores.splice(0).map((s) => s.close()))));
  afterAll(async () => {
    await deleteKeys(admin, `${prefix}:*`);
    await admin.quit();
  });
  hammer('redis store', async () => {
    const store = createRedisStore({ url: redisUrl, prefix });
    stores.push(store);
    return store;
  });
});
