import type { SetOptions, StateStore } from './store.ts';

interface Entry {
  value: unknown;
  expiresAt: number | undefined;
}

export interface MemoryStoreOptions {
  /** Injected clock (ms since epoch), so TTL tests need no sleeping. */
  now?: () => number;
  /** Sweep expired keys every this many writes, so a long-running process does not grow without bound. */
  sweepEvery?: number;
}

/**
 * The default store: one process, nothing survives a restart. Expired keys are dropped lazily on
 * read and swept periodically on write, which bounds memory for dedupe keys with a TTL.
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): StateStore {
  const now = options.now ?? Date.now;
  const sweepEvery = options.sweepEvery ?? 1000;
  const entries = new Map<string, Entry>();
  let writes = 0;

  const live = (key: string): Entry | undefined => {
    const entry = entries.get(key);
    if (entry && entry.expiresAt !== undefined && entry.expiresAt <= now()) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  };
  const write = (key: string, value: unknown, ttlMs: number | undefined) => {
    entries.set(key, { value: structuredClone(value), expiresAt: ttlMs === undefined ? undefined : now() + ttlMs });
    if (++writes % sweepEvery === 0) sweep();
  };
  const sweep = () => {
    const t = now();
    for (const [key, entry] of entries) if (entry.expiresAt !== undefined && entry.expiresAt <= t) entries.delete(key);
  };

  return {
    async get<T>(key: string) {
      const entry = live(key);
      return entry === undefined ? undefined : (structuredClone(entry.value) as T);
    },
    async set(key: string, value: unknown, opts?: SetOptions) {
      write(key, value, opts?.ttlMs);
    },
    async delete(key) {
      const existed = live(key) !== undefined;
      entries.delete(key);
      return existed;
    },
    async setIfNotExists(key, value, opts) {
      if (live(key)) return false;
      write(key, value, opts?.ttlMs);
      return true;
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
      entries.delete(key);
      return true;
    },
    async ping() {
      return true;
    },
    async close() {
      entries.clear();
    },
  };
}
