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
