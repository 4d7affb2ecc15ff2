import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../src/state/memory.ts';
import { runStoreContract } from './store.contract.ts';

runStoreContract('memory', async () => {
  let t = 1_000_000;
  return { store: createMemoryStore({ now: () => t }), advance: async (ms) => void (t += ms) };
});

describe('memory store bounds', () => {
  it('never holds more expiring keys than its cap, dropping the oldest first and keeping keys without TTL', async () => {
    const store = createMemoryStore({ maxExpiringKeys: 100 });
    await store.set('bot:state', { kept: true });
    for (let i = 0; i < 1000; i++) await store.setIfNotExists(`dedupe:${i}`, 1, { ttlMs: 60_000 });
    expect(await store.get('dedupe:0')).toBeUndefined();
    expect(await store.get('dedupe:899')).toBeUndefined();
    expect(await store.get('dedupe:900')).toBe(1);
    expect(await store.get('dedupe:999')).toBe(1);
    expect(await store.get('bot:state')).toEqual({ kept: true });
  });

  it('keeps dropping in write order across many evictions, with keys without TTL written in between', async () => {
    const store = createMemoryStore({ maxExpiringKeys: 10 });
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 10; i++) await store.setIfNotExists(`r${round}:${i}`, 1, { ttlMs: 60_000 });
      await store.set(`state:${round}`, round);
      if (round > 0) expect(await store.get(`r${round - 1}:9`)).toBeUndefined();
    }
    // Half of the last round's keys again: the eviction pass wraps around to the oldest still there.
    for (let i = 0; i < 5; i++) await store.setIfNotExists(`extra:${i}`, 1, { ttlMs: 60_000 });
    for (let i = 0; i < 5; i++) expect(await store.get(`r4:${i}`)).toBeUndefined();
    for (let i = 5; i < 10; i++) expect(await store.get(`r4:${i}`)).toBe(1);
    for (let round = 0; round < 5; round++) expect(await store.get(`state:${round}`)).toBe(round);
  });

  it('sweeps expired keys as writes go by, without reading them', async () => {
    let t = 0;
    const store = createMemoryStore({ now: () => t, maxExpiringKeys: 10_000 });
    for (let i = 0; i < 500; i++) await store.set(`old:${i}`, 1, { ttlMs: 10 });
    t += 100;
    // 500 stale keys: a sweep of 2 entries per write passes them all within a few hundred writes.
    for (let i = 0; i < 600; i++) await store.set(`new:${i}`, 1, { ttlMs: 60_000 });
    // Fill to the cap: if the stale keys were still counted, fresh keys would be evicted early.
    for (let i = 0; i < 9_400; i++) await store.set(`more:${i}`, 1, { ttlMs: 60_000 });
    expect(await store.get('new:0')).toBe(1);
  });
});
