/**
 * The SQLite state store: one table in the process's database (sqlite-db.ts), durable across
 * restarts and crashes, for one process. Passes the same contract suite as memory and Redis.
 *
 * - Values are JSON text; `expires_at` is ms since the epoch (NULL: no expiry).
 * - Reads are one indexed SELECT and treat an expired row as absent; they never write.
 * - Writes go through the database's group commit (one transaction per event-loop turn), and each
 *   runs synchronously inside it, so read-modify-write operations (increment, leases, update) are
 *   atomic without locks: nothing else touches the connection while they run.
 * - Expired rows are deleted by a background sweep, a bounded batch at a time (`sweepBatch` rows,
 *   again at once while batches come back full, else every `sweepIntervalMs`): no write pays for it.
 */
import type { SqliteDatabase } from './sqlite-db.ts';
import type { SetOptions, StateStore, Updater } from './store.ts';

export interface SqliteStoreOptions {
  db: SqliteDatabase;
  /** Injected clock (ms since epoch), so TTL tests need no sleeping. */
  now?: () => number;
  /** Close the database when the store closes (the store is its last user). Default false. */
  closeDatabase?: boolean;
  /** Default 5000. */
  sweepIntervalMs?: number;
  /** Expired rows deleted per sweep transaction. Default 500. */
  sweepBatch?: number;
}

/** The kv table; appended to, never edited (see SqliteDatabase.migrate). */
export const KV_MIGRATIONS = [
  `CREATE TABLE kv (key TEXT PRIMARY KEY, value TEXT NOT NULL, expires_at INTEGER) WITHOUT ROWID;
   CREATE INDEX kv_expiry ON kv (expires_at) WHERE expires_at IS NOT NULL`,
] as const;

const INSERT_UNLESS_LIVE = `INSERT INTO kv (key, value, expires_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE
  SET value = excluded.value, expires_at = excluded.expires_at WHERE kv.expires_at IS NOT NULL AND kv.expires_at <= ?`;

/**
 * For the queue's accept transaction: sets `key` to `rawValue` (JSON) for `ttlMs` unless a live value
 * is there; true when this call set it. The mark is then visible through the store on the same file.
 */
export function kvMarker(db: SqliteDatabase, now: () => number = Date.now) {
  db.migrate('kv', KV_MIGRATIONS);
  const statement = db.handle.prepare(INSERT_UNLESS_LIVE);
  return (key: string, rawValue: string, ttlMs: number) => {
    const t = now();
    return statement.run(key, rawValue, t + ttlMs, t).changes === 1;
  };
}

interface Row {
  value: string;
  expires_at: number | null;
}

export function createSqliteStore(options: SqliteStoreOptions): StateStore & { sweepExpired(limit?: number): number } {
  const { db } = options;
  const now = options.now ?? Date.now;
  const sweepBatch = options.sweepBatch ?? 500;
  db.migrate('kv', KV_MIGRATIONS);
  const h = db.handle;
  const select = h.prepare<[string], Row>('SELECT value, expires_at FROM kv WHERE key = ?');
  const upsert = h.prepare('INSERT INTO kv (key, value, expires_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at');
  const insertUnlessLive = h.prepare(INSERT_UNLESS_LIVE);
  const remove = h.prepare<[string], { expires_at: number | null }>('DELETE FROM kv WHERE key = ? RETURNING expires_at');
  const setExpiry = h.prepare('UPDATE kv SET expires_at = ? WHERE key = ?');
  const sweep = h.prepare('DELETE FROM kv WHERE key IN (SELECT key FROM kv WHERE expires_at <= ? LIMIT ?)');

  const expiry = (ttlMs: number | undefined) => (ttlMs === undefined ? null : now() + ttlMs);
  const isLive = (expiresAt: number | null) => expiresAt === null || expiresAt > now();
  const live = (key: string): Row | undefined => {
    const row = select.get(key);
    return row && isLive(row.expires_at) ? row : undefined;
  };
  const json = (value: unknown) => JSON.stringify(value === undefined ? null : value);

  const sweepExpired = (limit = sweepBatch) => sweep.run(now(), limit).changes;
  let timer: NodeJS.Timeout | undefined;
  const scheduleSweep = (ms: number) => {
    timer = setTimeout(() => {
      db.batch(() => sweepExpired()).then(
        (deleted) => scheduleSweep(deleted >= sweepBatch ? 0 : options.sweepIntervalMs ?? 5000),
        () => scheduleSweep(options.sweepIntervalMs ?? 5000),
      );
    }, ms);
    timer.unref();
  };
  scheduleSweep(options.sweepIntervalMs ?? 5000);

  return {
    sweepExpired,
    async get<T>(key: string) {
      const row = live(key);
      return row === undefined ? undefined : (JSON.parse(row.value) as T);
    },
    async set(key: string, value: unknown, opts?: SetOptions) {
      const raw = json(value);
      await db.batch(() => upsert.run(key, raw, expiry(opts?.ttlMs)));
    },
    delete(key) {
      return db.batch(() => {
        const row = remove.get(key);
        return row !== undefined && isLive(row.expires_at);
      });
    },
    setIfNotExists(key, value, opts) {
      const raw = json(value);
      return db.batch(() => insertUnlessLive.run(key, raw, expiry(opts?.ttlMs), now()).changes === 1);
    },
    increment(key, by = 1, opts) {
      return db.batch(() => {
        const row = live(key);
        if (!row) {
          upsert.run(key, json(by), expiry(opts?.ttlMs));
          return by;
        }
        const current = JSON.parse(row.value) as unknown;
        if (typeof current !== 'number') throw new TypeError(`increment: '${key}' holds a non-number`);
        upsert.run(key, json(current + by), row.expires_at);
        return current + by;
      });
    },
    update<T>(key: string, fn: Updater<T>, opts?: SetOptions) {
      return db.batch(() => {
        const row = live(key);
        const next = fn(row === undefined ? undefined : (JSON.parse(row.value) as T));
        if (next === undefined) {
          if (row) remove.get(key);
          return undefined;
        }
        const raw = json(next);
        upsert.run(key, raw, opts?.ttlMs === undefined ? row?.expires_at ?? null : expiry(opts.ttlMs));
        return JSON.parse(raw) as T;
      });
    },
    acquireLease(key, owner, ttlMs) {
      return db.batch(() => {
        const row = live(key);
        if (row && JSON.parse(row.value) !== owner) return false;
        upsert.run(key, json(owner), expiry(ttlMs));
        return true;
      });
    },
    renewLease(key, owner, ttlMs) {
      return db.batch(() => {
        const row = live(key);
        if (!row || JSON.parse(row.value) !== owner) return false;
        setExpiry.run(expiry(ttlMs), key);
        return true;
      });
    },
    releaseLease(key, owner) {
      return db.batch(() => {
        const row = live(key);
        if (!row || JSON.parse(row.value) !== owner) return false;
        remove.get(key);
        return true;
      });
    },
    async ping() {
      return h.open;
    },
    async close() {
      clearTimeout(timer);
      if (options.closeDatabase) db.close();
    },
  };
}
