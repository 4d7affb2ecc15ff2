/**
 * One process per SQLite store. The lock is an exclusive SQLite lock held on a small companion file
 * (`<db>-lock`) for the life of the process: the operating system drops it when the process ends,
 * however it ends (SIGKILL included), so a crash never leaves a stale lock behind, and a second
 * process is refused at once instead of two processes interleaving one queue.
 *
 * Why a companion file and not `locking_mode=EXCLUSIVE` on the database itself: the CLI
 * (`botyard dead-letters`, `botyard replay`) must still read and write the database while `start`
 * runs, as it can on Redis. (POSIX locks are advisory and unreliable on network filesystems: keep
 * the store on a local disk.)
 */
import type { Database } from 'better-sqlite3';
import type BetterSqlite3 from 'better-sqlite3';
import { lockedError, type LockHolder } from './sqlite-errors.ts';

export interface ProcessLock {
  readonly path: string;
  release(): void;
}

export const lockPathFor = (dbPath: string) => `${dbPath}-lock`;

/** Takes the lock on `dbPath` or throws STORE_LOCKED naming who holds it (read with `holder()`). */
export function acquireProcessLock(Driver: typeof BetterSqlite3, dbPath: string, holder: () => LockHolder | undefined): ProcessLock {
  const path = lockPathFor(dbPath);
  const handle: Database = new Driver(path, { timeout: 0 });
  try {
    handle.pragma('locking_mode = EXCLUSIVE');
    handle.pragma('journal_mode = MEMORY'); // nothing worth a journal file lives here
    // A write is what makes SQLite take (and, in EXCLUSIVE mode, keep) the file lock.
    handle.exec('CREATE TABLE IF NOT EXISTS lock (taken_at TEXT); BEGIN EXCLUSIVE; DELETE FROM lock; INSERT INTO lock VALUES (datetime()); COMMIT');
  } catch (err) {
    handle.close();
    if ((err as { code?: string }).code === 'SQLITE_BUSY') throw lockedError(dbPath, holder());
    throw err;
  }
  return {
    path,
    release: () => {
      if (handle.open) handle.close();
    },
  };
}
