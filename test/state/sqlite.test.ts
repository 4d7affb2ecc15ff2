import { describe, expect, it } from 'vitest';
import { openSqliteDatabase } from '../../src/state/sqlite-db.ts';
import { createSqliteStore } from '../../src/state/sqlite.ts';
import { sqliteFiles } from '../helpers/sqlite.ts';
import { runStoreContract } from './store.contract.ts';

const files = sqliteFiles('store');

runStoreContract('sqlite', async () => {
  let t = 1_000_000;
  return { store: createSqliteStore({ db: await files.open(), now: () => t }), advance: async (ms) => void (t += ms) };
});

describe('sqlite store', () => {
  it('keeps everything across a close and reopen of the file, TTLs included', async () => {
    const file = files.newPath('reopen');
    const first = await openSqliteDatabase({ path: file });
    const a = createSqliteStore({ db: first, closeDatabase: true });
    await a.set('bot:strikes', { u1: 2 });
    await a.set('dedupe:e1', 'queued', { ttlMs: 60_000 });
    await a.set('gone', 1, { ttlMs: 1 });
    await a.increment('n', 5);
    await a.close();
    expect(first.handle.open).toBe(false);

    const second = await files.open(file);
    const b = createSqliteStore({ db: second, now: () => Date.now() + 10 });
    expect(await b.get('bot:strikes')).toEqual({ u1: 2 });
    expect(await b.get('dedupe:e1')).toBe('queued');
    expect(await b.setIfNotExists('dedupe:e1', 'again')).toBe(false);
    expect(await b.get('gone')).toBeUndefined();
    expect(await b.increment('n')).toBe(6);
  });

  it('sweeps expired rows in bounded batches without anyone reading them', async () => {
    let t = 0;
    const db = await files.open();
    const store = createSqliteStore({ db, now: () => t, sweepBatch: 100 });
    await Promise.all(Array.from({ length: 250 }, (_, i) => store.set(`old:${i}`, 1, { ttlMs: 10 })));
    await store.set('keep', 1);
    await store.set('later', 1, { ttlMs: 1000 });
    t += 100;
    const count = () => (db.handle.prepare('SELECT count(*) AS n FROM kv').get() as { n: number }).n;
    expect(count()).toBe(252);
    expect(store.sweepExpired()).toBe(100);
    expect(store.sweepExpired()).toBe(100);
    expect(store.sweepExpired()).toBe(50);
    expect(store.sweepExpired()).toBe(0);
    expect(count()).toBe(2);
  });

  it('increment refuses a non-number, and a failed write rejects only its own caller', async () => {
    const store = createSqliteStore({ db: await files.open() });
    await store.set('s', 'text');
    const [bad, good] = await Promise.allSettled([store.increment('s'), store.set('ok', 1)]);
    expect(bad.status).toBe('rejected');
    expect((bad as PromiseRejectedResult).reason).toBeInstanceOf(TypeError);
    expect(good.status).toBe('fulfilled');
    expect(await store.get('ok')).toBe(1);
    expect(await store.get('s')).toBe('text');
  });

  it('update: a throwing fn rejects its caller and changes nothing', async () => {
    const store = createSqliteStore({ db: await files.open() });
    await store.set('k', 1);
    await expect(store.update('k', () => { throw new Error('nope'); })).rejects.toThrow('nope');
    expect(await store.get('k')).toBe(1);
  });
});
