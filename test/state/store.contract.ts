/**
 * The StateStore contract, run against every implementation (memory, Redis).
 * `make` gets a fresh, isolated store and a way to move its clock forward; a store on a real
 * clock (Redis) advances by waiting on real expiry, so TTLs in these tests stay short.
 */
import { describe, expect, it } from 'vitest';
import { scoped, type StateStore } from '../../src/state/store.ts';

export interface StoreHarness {
  store: StateStore;
  /** Let `ms` of store time pass. */
  advance(ms: number): Promise<void>;
}

export function runStoreContract(name: string, make: () => Promise<StoreHarness>) {
  describe(`StateStore contract: ${name}`, () => {
    it('gets what was set, structured values included, and undefined for a missing key', async () => {
      const { store } = await make();
      await store.set('a', { n: 1, list: ['x'] });
      expect(await store.get('a')).toEqual({ n: 1, list: ['x'] });
      expect(await store.get('missing')).toBeUndefined();
    });

    it('expires keys after their TTL', async () => {
      const { store, advance } = await make();
      await store.set('t', 'v', { ttlMs: 50 });
      expect(await store.get('t')).toBe('v');
      await advance(120);
      expect(await store.get('t')).toBeUndefined();
    });

    it('deletes and says whether the key existed', async () => {
      const { store } = await make();
      await store.set('d', 1);
      expect(await store.delete('d')).toBe(true);
      expect(await store.delete('d')).toBe(false);
      expect(await store.get('d')).toBeUndefined();
    });

    it('setIfNotExists sets once, and again after expiry', async () => {
      const { store, advance } = await make();
      expect(await store.setIfNotExists('once', 1, { ttlMs: 50 })).toBe(true);
      expect(await store.setIfNotExists('once', 2, { ttlMs: 50 })).toBe(false);
      expect(await store.get('once')).toBe(1);
      await advance(120);
      expect(await store.setIfNotExists('once', 3)).toBe(true);
    });

    it('setIfNotExists is atomic under concurrent callers', async () => {
      const { store } = await make();
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store.setIfNotExists('race', i)));
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('increments atomically from zero', async () => {
      const { store } = await make();
      await Promise.all(Array.from({ length: 25 }, () => store.increment('n')));
      expect(await store.increment('n', 5)).toBe(30);
      expect(await store.get('n')).toBe(30);
    });

    it('leases: one owner at a time, renew and release only by the owner, free after expiry', async () => {
      const { store, advance } = await make();
      expect(await store.acquireLease('l', 'a', 80)).toBe(true);
      expect(await store.acquireLease('l', 'b', 80)).toBe(false);
      expect(await store.acquireLease('l', 'a', 80)).toBe(true);
      expect(await store.renewLease('l', 'b', 80)).toBe(false);
      expect(await store.renewLease('l', 'a', 80)).toBe(true);
      expect(await store.releaseLease('l', 'b')).toBe(false);
      expect(await store.releaseLease('l', 'a')).toBe(true);
      expect(await store.acquireLease('l', 'b', 50)).toBe(true);
      await advance(120);
      expect(await store.renewLease('l', 'b', 50)).toBe(false);
      expect(await store.acquireLease('l', 'a', 50)).toBe(true);
    });

    it('scoped views do not see each other', async () => {
      const { store } = await make();
      const a = scoped(store, 'bot-a');
      const b = scoped(store, 'bot-b');
      await a.set('k', 'A');
      await b.set('k', 'B');
      expect(await a.get('k')).toBe('A');
      expect(await b.get('k')).toBe('B');
      expect(await store.get('bot-a:k')).toBe('A');
    });

    it('answers ping', async () => {
      const { store } = await make();
      expect(await store.ping()).toBe(true);
    });
  });
}
