/**
 * The StateStore contract, run against every implementation (memory, SQLite, Redis).
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
      // 10 s on an advanced clock: 50 ms of real time could pass between two calls on a loaded box.
      expect(await store.setIfNotExists('once', 1, { ttlMs: 10_000 })).toBe(true);
      expect(await store.setIfNotExists('once', 2, { ttlMs: 10_000 })).toBe(false);
      expect(await store.get('once')).toBe(1);
      await advance(20_000);
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

    it('update: 50 concurrent updaters on one key lose nothing', async () => {
      const { store } = await make();
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          store.update<{ count: number; seen: number[] }>('hammer', (old) => ({ count: (old?.count ?? 0) + 1, seen: [...(old?.seen ?? []), i] })),
        ),
      );
      const final = await store.get<{ count: number; seen: number[] }>('hammer');
      expect(final?.count).toBe(50);
      expect([...final!.seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
      // Each call resolved to the value it stored: the counts 1..50, each once.
      expect(results.map((r) => r!.count).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    });

    it('update: creates from undefined, resolves to the stored value, and deletes when fn returns undefined', async () => {
      const { store } = await make();
      const seen: unknown[] = [];
      expect(await store.update('u', (old) => (seen.push(old), ['a']))).toEqual(['a']);
      expect(seen[seen.length - 1]).toBeUndefined();
      expect(await store.update<string[]>('u', (old) => [...old!, 'b'])).toEqual(['a', 'b']);
      expect(await store.get('u')).toEqual(['a', 'b']);
      expect(await store.update('u', () => undefined)).toBeUndefined();
      expect(await store.get('u')).toBeUndefined();
      expect(await store.delete('u')).toBe(false);
      // Deleting what is absent is a no-op, not an error.
      expect(await store.update('never', () => undefined)).toBeUndefined();
      expect(await store.get('never')).toBeUndefined();
    });

    it('update: hands fn a copy and stores a copy', async () => {
      const { store } = await make();
      await store.set('obj', { list: [1] });
      const stored = await store.update<{ list: number[] }>('obj', (old) => {
        old!.list.push(2);
        return old;
      });
      stored!.list.push(99);
      expect(await store.get('obj')).toEqual({ list: [1, 2] });
    });

    it('update: ttlMs expires the key that long after the update; without it the key keeps its expiry', async () => {
      // Seconds, not milliseconds: every harness advances its clock (Redis by shortening the keys' TTLs), so
      // long TTLs cost no waiting, and real time passing between two calls (100 ms was overrun on a loaded
      // box running two suites) no longer expires a key early.
      const { store, advance } = await make();
      await store.update('ttl', () => 1, { ttlMs: 10_000 });
      await advance(6000);
      await store.update<number>('ttl', (n) => n! + 1, { ttlMs: 10_000 }); // renewed: 10 s from now
      await advance(6000);
      expect(await store.get('ttl')).toBe(2);
      await store.update<number>('ttl', (n) => n! + 1); // keeps the ~4 s left
      await advance(6000);
      expect(await store.get('ttl')).toBeUndefined();

      await store.set('forever', 1);
      await store.update<number>('forever', (n) => n! + 1);
      await advance(20_000);
      expect(await store.get('forever')).toBe(2);
    });

    it('leases: one owner at a time, renew and release only by the owner, free after expiry', async () => {
      const { store, advance } = await make();
      // Held leases get 5 s, not 80 ms: on a loaded box (two full runs) 80 ms passed between two calls and
      // the lease lapsed before its owner released it. Expiry is what the 50 ms lease below is for.
      expect(await store.acquireLease('l', 'a', 5000)).toBe(true);
      expect(await store.acquireLease('l', 'b', 5000)).toBe(false);
      expect(await store.acquireLease('l', 'a', 5000)).toBe(true);
      expect(await store.renewLease('l', 'b', 5000)).toBe(false);
      expect(await store.renewLease('l', 'a', 5000)).toBe(true);
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
