/**
 * The one SQLite database a botyard process keeps its state in: the key-value store (sqlite.ts), the
 * event queue (queue/sqlite.ts) and one-off timers share this file, this connection and its group
 * commit. Opened once per process (storage.ts); a second process on the same file is refused.
 *
 * Durability. The database runs in WAL mode. `synchronous`:
 * - 'normal' (default): a transaction is in the WAL file when its commit returns, so whatever was
 *   acknowledged survives the process dying at any point (crash, OOM kill, SIGKILL). After a power
 *   cut or an OS crash, the last transactions before it may be missing (never a corrupt file).
 * - 'full': every commit is also fsynced, so acknowledged events survive power loss too. Measured on
 *   this machine's disk (acceptOnce of 1.5 KB events, machine loaded): one at a time ~450/s (an fsync
 *   of ~1.5-2 ms each) against ~4,900/s on 'normal'; 64 in flight, group commit shares the fsync and
 *   both run at ~13-18k/s and ~27 µs CPU per event. The fsync blocks the event loop while it lasts.
 *
 * For other modules (timers): declare tables with `migrate(module, [...])` once at start (each
 * statement runs once, in order, recorded per module), prepare statements on `handle`, and do
 * writes that must be durable before answering through `batch()` (they share the commit).
 */
import { hostname } from 'node:os';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Database } from 'better-sqlite3';
import type BetterSqlite3 from 'better-sqlite3';
import { BotyardError } from '../errors.ts';
import { createWriteBatcher, type WriteBatcher } from './sqlite-batch.ts';
import { explainOpenError, type LockHolder } from './sqlite-errors.ts';
import { acquireProcessLock, type ProcessLock } from './sqlite-lock.ts';

export type SqliteSynchronous = 'normal' | 'full';

export interface SqliteDatabaseOptions {
  /** The database file; its folder is created when missing. */
  path: string;
  /** See the header. Default 'normal'. */
  synchronous?: SqliteSynchronous;
  /**
   * Take the one-process lock (default true). Tools that inspect a store a running process owns
   * (`botyard dead-letters`, `botyard replay`) open without it, and only touch what the owner polls for.
   */
  lock?: boolean;
  /** Refuse to create the file (tools reading an existing store). Default false. */
  mustExist?: boolean;
}

export interface SqliteDatabase extends WriteBatcher {
  readonly path: string;
  readonly synchronous: SqliteSynchronous;
  /** The better-sqlite3 connection: prepare statements on it; it is synchronous. */
  readonly handle: Database;
  /**
   * Brings `module`'s tables up to date: runs the statements it has not run yet on this file, in
   * order, in one transaction. Append to the list to change a schema; never edit a shipped entry.
   */
  migrate(module: string, migrations: readonly string[]): void;
  /** Commits pending writes and closes the database, then releases the lock. */
  close(): void;
}

/** Loads the native driver, saying how to fix a build that does not match this Node. */
async function loadDriver(): Promise<typeof BetterSqlite3> {
  try {
    return (await import('better-sqlite3')).default;
  } catch (err) {
    throw new BotyardError(
      'STORE_DRIVER',
      `better-sqlite3 could not be loaded (${(err as Error).message.split('\n')[0]}). It is a native module built for one Node ` +
        `version (this is Node ${process.versions.node}). Fix: npm rebuild better-sqlite3 (or npm ci) with this Node; npm 12 ` +
        'builds it only when package.json allows it ("allowScripts": { "better-sqlite3": true }, or npm install-scripts approve better-sqlite3); ' +
        "or use store: 'memory' in bot.config.ts, or Redis (REDIS_URL).",
      { cause: err },
    );
  }
}

const OWNER_SCHEMA = 'CREATE TABLE IF NOT EXISTS botyard_owner (id INTEGER PRIMARY KEY CHECK (id = 1), pid INTEGER, host TEXT, since TEXT)';

/** Who last took the lock on `file`, read without taking it; undefined when unknown. */
function readHolder(Driver: typeof BetterSqlite3, file: string): LockHolder | undefined {
  try {
    const db = new Driver(file, { readonly: true, fileMustExist: true, timeout: 200 });
    try {
      return db.prepare('SELECT pid, host, since FROM botyard_owner WHERE id = 1').get() as LockHolder | undefined;
    } finally {
      db.close();
    }
  } catch {
    return undefined;
  }
}

export async function openSqliteDatabase(options: SqliteDatabaseOptions): Promise<SqliteDatabase> {
  const file = path.resolve(options.path);
  const synchronous = options.synchronous ?? 'normal';
  const Driver = await loadDriver();
  let lock: ProcessLock | undefined;
  let handle: Database | undefined;
  try {
    if (!options.mustExist) mkdirSync(path.dirname(file), { recursive: true });
    if (options.lock !== false) lock = acquireProcessLock(Driver, file, () => readHolder(Driver, file));
    handle = new Driver(file, { timeout: 5000, fileMustExist: options.mustExist === true });
    handle.pragma('journal_mode = WAL');
    handle.pragma(`synchronous = ${synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    // Keep the WAL file from staying huge after a burst (it is truncated to this at checkpoints).
    handle.pragma('journal_size_limit = 67108864');
    handle.exec('CREATE TABLE IF NOT EXISTS botyard_schema (module TEXT PRIMARY KEY, version INTEGER NOT NULL)');
    if (lock) {
      handle.exec(OWNER_SCHEMA);
      handle.prepare('INSERT OR REPLACE INTO botyard_owner (id, pid, host, since) VALUES (1, ?, ?, ?)').run(process.pid, hostname(), new Date().toISOString());
    }
  } catch (err) {
    handle?.close();
    lock?.release();
    if (options.mustExist && (err as { code?: string }).code === 'SQLITE_CANTOPEN') {
      throw new BotyardError('STORE_MISSING', `${file} does not exist. Fix: run botyard start (or dev) once with this store, or pass the path the instance uses (store.path in bot.config.ts).`, { cause: err });
    }
    throw err instanceof BotyardError ? err : explainOpenError(file, err);
  }
  const db = handle;
  const batcher = createWriteBatcher(db);
  const versionOf = db.prepare<[string], { version: number }>('SELECT version FROM botyard_schema WHERE module = ?');
  const setVersion = db.prepare('INSERT OR REPLACE INTO botyard_schema (module, version) VALUES (?, ?)');

  return {
    path: file,
    synchronous,
    handle: db,
    batch: batcher.batch,
    flush: batcher.flush,
    migrate(module, migrations) {
      db.transaction(() => {
        const current = versionOf.get(module)?.version ?? 0;
        if (current > migrations.length) {
          throw new BotyardError('STORE_TOO_NEW', `${file}: its '${module}' tables were written by a newer botyard (schema ${current}, this one knows ${migrations.length}). Fix: upgrade botyard, or point it at another file.`);
        }
        for (let v = current; v < migrations.length; v++) db.exec(migrations[v]!);
        if (current < migrations.length) setVersion.run(module, migrations.length);
      })();
    },
    close() {
      if (!db.open) return;
      try {
        batcher.flush();
      } finally {
        db.close();
        lock?.release();
      }
    },
  };
}
