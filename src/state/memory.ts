import type { SetOptions, StateStore, Updater } from './store.ts';

interface Entry {
  value: unknown;
  expiresAt: number | undefined;
}

export interface MemoryStoreOptions {
  /** Injected clock (ms since epoch), so TTL tests need no sleeping. */
  now?: () => number;
  /**
   * At most this many keys with a TTL (dedupe keys, claims, markers). Past it, the oldest-written of
   * them are dropped early: memory stays bounded at any event rate, at the price of a shorter dedupe
   * window under extreme load. Keys without a TTL (bot state) are never dropped. Default 500,000.
   */
  maxExpiringKeys?: number;
}

/** Entries examined per write by the incremental sweep: amortized O(1), a full pass every N/2 writes. */
const SWEEP_STEP = 2;

/**
 * The memory store's dedupe marks, synchronously: what lets the memory queue claim a key and admit its
 * event in one synchronous step (`acceptOnce`, src/queue/memory.ts) instead of ingest's claim → enqueue
 * → mark, three awaited calls (and six promises) per webhook.
 */
export interface MemoryMarks {
  /** `setIfNotExists` without the promise: true when this call set the key. */
  setIfNotExists(key: string, value: string, ttlMs: number): boolean;
}

/** Stores made by createMemoryStore, with their marks: bot state there is capped per bot (src/state/bot-store-cap.ts). */
const memoryStores = new WeakMap<StateStore, MemoryMarks>();
export const isMemoryStore = (store: StateStore): boolean => memoryStores.has(store);
/** The synchronous marks of a store made by createMemoryStore; undefined for any other store. */
export const memoryMarksOf = (store: StateStore): MemoryMarks | undefined => memoryStores.get(store);

/**
 * The default store: one process, nothing survives a restart. Expired keys are dropped lazily on
 * read and by an incremental sweep on write (a live Map iterator advanced a couple of entries per
 * write), so a long-running process does not grow without bound and no write pays for a full scan.
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): StateStore {
  const now = options.now ?? Date.now;
  const maxExpiring = options.maxExpiringKeys ?? 500_000;
  const entries = new Map<string, Entry>();
  let expiring = 0;
  let sweep: Iterator<[string, Entry]> = entries.entries();

  const remove = (key: string, entry: Entry) => {
    if (entry.expiresAt !== undefined) expiring--;
    entries.delete(key);
  };
  const live = (key: string): Entry | undefined => {
    const entry = entries.get(key);
    if (entry && entry.expiresAt !== undefined && entry.expiresAt <= now()) {
      remove(key, entry);
      return undefined;
    }
    return entry;
  };
  /** Advances the sweep a few entries, dropping expired ones; restarts at the end. */
  const sweepStep = (t: number) => {
    for (let i = 0; i < SWEEP_STEP; i++) {
      const next = sweep.next();
      if (next.done) {
        sweep = entries.entries();
        return;
      }
      const [key, entry] = next.value;
      if (entry.expiresAt !== undefined && entry.expiresAt <= t) remove(key, entry);
    }
  };
  /**
   * Over the cap: drop the oldest-written expiring keys (Map order is write order for new keys). The
   * iterator lives across calls, as the sweep's does: a fresh `for…of` from the start walked every entry
   * deleted since the Map last compacted (V8 keeps them as holes until a rehash), so once a process held
   * the cap's 500,000 keys each webhook paid for a longer walk; CPU per event grew 4x within a minute
   * at 15k events/s (bench/NOTES.md).
   */
  let eviction: Iterator<[string, Entry]> = entries.entries();
  const enforceCap = () => {
    while (expiring > maxExpiring) {
      const next = eviction.next();
      if (next.done) {
        eviction = entries.entries();
        continue;
      }
      const [key, entry] = next.value;
      if (entry.expiresAt !== undefined) remove(key, entry);
    }
  };
  const write = (key: string, value: unknown, ttlMs: number | undefined) => {
    const t = now();
    const old = entries.get(key);
    if (old?.expiresAt !== undefined) expiring--;
    // Primitives (dedupe marks, counters) need no copy; objects are copied so callers cannot mutate stored state.
    entries.set(key, { value: typeof value === 'object' && value !== null ? structuredClone(value) : value, expiresAt: ttlMs === undefined ? undefined : t + ttlMs });
    if (ttlMs !== undefined) {
      expiring++;
      enforceCap();
    }
    sweepStep(t);
  };
  const setIfNotExists = (key: string, value: unknown, ttlMs: number | undefined) => {
    if (live(key)) return false;
    write(key, value, ttlMs);
    return true;
  };
  const read = <T>(entry: Entry): T => (typeof entry.value === 'object' && entry.value !== null ? structuredClone(entry.value) : entry.value) as T;

  const store: StateStore = {
    async get<T>(key: string) {
      const entry = live(key);
      return entry === undefined ? undefined : read<T>(entry);
    },
    async set(key: string, value: unknown, opts?: SetOptions) {
      write(key, value, opts?.ttlMs);
    },
    async delete(key) {
      const entry = live(key);
      if (entry) remove(key, entry);
      return entry !== undefined;
    },
    async setIfNotExists(key, value, opts) {
      return setIfNotExists(key, value, opts?.ttlMs);
    },
    async increment(key, by = 1, opts) {
      const entry = live(key);
      if (!entry) {
        write(key, by, opts?.ttlMs);
        return by;
      }
      if (typeof entry.value !== 'number') throw new TypeError(`increment: '${key}' holds a non-number`);
      entry.value += by;
      return entry.value;
    },
    async update<T>(key: string, fn: Updater<T>, opts?: SetOptions) {
      // Synchronous from read to write: nothing else runs in between, so no update is lost.
      const entry = live(key);
      const next = fn(entry === undefined ? undefined : read<T>(entry));
      if (next === undefined) {
        if (entry) remove(key, entry);
        return undefined;
      }
      const ttlMs = opts?.ttlMs ?? (entry?.expiresAt === undefined ? undefined : entry.expiresAt - now());
      write(key, next, ttlMs);
      return read<T>(entries.get(key)!);
    },
    async acquireLease(key, owner, ttlMs) {
      const entry = live(key);
      if (entry && entry.value !== owner) return false;
      write(key, owner, ttlMs);
      return true;
    },
    async renewLease(key, owner, ttlMs) {
      const entry = live(key);
      if (!entry || entry.value !== owner) return false;
      entry.expiresAt = now() + ttlMs;
      return true;
    },
    async releaseLease(key, owner) {
      const entry = live(key);
      if (!entry || entry.value !== owner) return false;
      remove(key, entry);
      return true;
    },
    async ping() {
      return true;
    },
    async close() {
      entries.clear();
      expiring = 0;
    },
  };
  memoryStores.set(store, { setIfNotExists });
  return store;
}
