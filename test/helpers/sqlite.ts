/**
 * Real SQLite files for tests, in a temp folder removed after the file's tests:
 *
 *   const files = sqliteFiles('queue');
 *   const db = await files.open();          // a new file, closed and removed in afterAll
 *   const again = await files.open(db.path); // the same file, reopened
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { openSqliteDatabase, type SqliteDatabase, type SqliteDatabaseOptions } from '../../src/state/sqlite-db.ts';

export function sqliteFiles(tag: string) {
  const dir = mkdtempSync(path.join(tmpdir(), `botyard-sqlite-${tag}-`));
  const opened: SqliteDatabase[] = [];
  let n = 0;
  afterAll(() => {
    for (const db of opened) db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    dir,
    /** A path no test of this file used yet. */
    newPath: (name = `db${n++}`) => path.join(dir, `${name}.db`),
    /** Opens `file` (default: a new one); closed after the file's tests unless closed before. */
    async open(file?: string, options: Omit<SqliteDatabaseOptions, 'path'> = {}): Promise<SqliteDatabase> {
      const db = await openSqliteDatabase({ path: file ?? path.join(dir, `db${n++}.db`), ...options });
      opened.push(db);
      return db;
    },
  };
}

/** The tries of every queued event as committed in `reader`'s file: what a process started after a SIGKILL would read. */
export const committedTries = (reader: SqliteDatabase): number[] =>
  reader.handle.prepare<[], { attempts: number }>('SELECT attempts FROM queue_events').all().map((r) => r.attempts);
