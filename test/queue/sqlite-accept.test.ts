/** The acceptOnce contract (accept.contract.ts) on the SQLite queue: the same promises as on Redis. */
import { createSqliteQueue } from '../../src/queue/sqlite.ts';
import { openSqliteDatabase, type SqliteDatabase } from '../../src/state/sqlite-db.ts';
import { createSqliteStore } from '../../src/state/sqlite.ts';
import { sqliteFiles } from '../helpers/sqlite.ts';
import { runAcceptContract } from './accept.contract.ts';

const files = sqliteFiles('accept');

runAcceptContract('sqlite', async () => {
  const path = files.newPath();
  const opened: SqliteDatabase[] = [await openSqliteDatabase({ path })];
  return {
    queue: createSqliteQueue({ db: opened[0]!, concurrency: 8 }),
    store: createSqliteStore({ db: opened[0]! }),
    // The same file after a restart: the first process's database is closed (the file lock allows one).
    reopen: async () => {
      opened[0]!.close();
      const db = await openSqliteDatabase({ path });
      opened.push(db);
      return createSqliteQueue({ db });
    },
    cleanup: async () => {
      for (const db of opened) {
        try {
          db.close();
        } catch {
          // already closed
        }
      }
    },
  };
});
