/**
 * The state store: dedupe keys, ACS cursors and leases, cron leases, and every bot's key-value state.
 * Every implementation (memory, SQLite, Redis) passes one contract suite (`test/state/store.contract.ts`).
 * Values are JSON-serializable; keys are plain strings (use `scoped()` for namespaces).
 */
export interface SetOptions {
  /** Expire the key after this many milliseconds. */
  ttlMs?: number;
}

/**
 * Computes a key's next value from its current one (undefined when absent). Must be synchronous and
 * pure: a store may call it more than once (Redis retries it when another writer got there first).
 * Returning undefined deletes the key.
 */
export type Updater<T> = (current: T | undefined) => T | undefined;

export interface StateStore {
  get<T = unknown>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown, options?: SetOptions): Promise<void>;
  /** Removes the key; true when it existed. */
  delete(key: string): Promise<boolean>;
  /** Atomically sets the key only when absent; true when this call set it. */
  setIfNotExists(key: string, value: unknown, options?: SetOptions): Promise<boolean>;
  /** Atomically adds `by` (default 1) to a numeric key, creating it at 0; returns the new value. A TTL applies when the key is created. */
  increment(key: string, by?: number, options?: SetOptions): Promise<number>;
  /**
   * Atomically replaces the key with `fn(current)` and resolves to the value stored (undefined when
   * `fn` deleted it). Never loses a concurrent update: every call sees the value the previous one
   * left. `ttlMs` makes the key expire that long after this update; without it the key keeps the
   * expiry it had (none for a new key).
   */
  update<T = unknown>(key: string, fn: Updater<T>, options?: SetOptions): Promise<T | undefined>;
  /** Takes the lease when free or already ours; true when `owner` holds it for `ttlMs` from now. */
  acquireLease(key: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Extends a lease `owner` still holds; false when it was lost. */
  renewLease(key: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Gives up a lease `owner` holds; false when it was not theirs. */
  releaseLease(key: string, owner: string): Promise<boolean>;
  /** True when the backing service answers. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/** A view of `store` where every key is prefixed with `prefix:`. Closing it does not close the store. */
export function scoped(store: StateStore, prefix: string): StateStore {
  const k = (key: string) => `${prefix}:${key}`;
  return {
    get: (key) => store.get(k(key)),
    set: (key, value, options) => store.set(k(key), value, options),
    delete: (key) => store.delete(k(key)),
    setIfNotExists: (key, value, options) => store.setIfNotExists(k(key), value, options),
    increment: (key, by, options) => store.increment(k(key), by, options),
    update: (key, fn, options) => store.update(k(key), fn, options),
    acquireLease: (key, owner, ttlMs) => store.acquireLease(k(key), owner, ttlMs),
    renewLease: (key, owner, ttlMs) => store.renewLease(k(key), owner, ttlMs),
    releaseLease: (key, owner) => store.releaseLease(k(key), owner),
    ping: () => store.ping(),
    close: async () => {},
  };
}
