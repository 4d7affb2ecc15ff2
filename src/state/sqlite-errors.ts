/**
 * What can go wrong opening the SQLite database, said as a user can act on it: the path, what is
 * wrong, and the fix. Codes are stable: STORE_LOCKED, STORE_CORRUPT, STORE_UNWRITABLE.
 */
import { BotyardError } from '../errors.ts';

/** Who holds the database, as the holder recorded it (read from the database itself). */
export interface LockHolder {
  pid: number;
  host: string;
  since: string;
}

export function lockedError(path: string, holder: LockHolder | undefined): BotyardError {
  const who = holder ? `botyard process ${holder.pid} on ${holder.host} (since ${holder.since})` : 'another botyard process';
  return new BotyardError(
    'STORE_LOCKED',
    `${path} is in use by ${who}. One SQLite store serves one process. Fix: stop the other process, ` +
      'point this one at another file (store: { kind: \'sqlite\', path } in bot.config.ts), or, to run several ' +
      'instances on one state, use Redis: set REDIS_URL.',
  );
}

// Extended codes (SQLITE_IOERR_WRITE, SQLITE_READONLY_DIRECTORY, ...) count as their primary code.
const CORRUPT = ['SQLITE_NOTADB', 'SQLITE_CORRUPT'];
const UNWRITABLE = ['SQLITE_CANTOPEN', 'SQLITE_READONLY', 'SQLITE_PERM', 'SQLITE_IOERR', 'SQLITE_FULL', 'EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'EEXIST', 'ENOSPC'];
const isOneOf = (code: string, family: string[]) => family.some((c) => code === c || code.startsWith(`${c}_`));

/** Turns an error met while opening `path` into one naming the path and the fix; others pass through. */
export function explainOpenError(path: string, err: unknown): unknown {
  const code = (err as { code?: string }).code ?? '';
  const detail = (err as Error).message;
  if (isOneOf(code, CORRUPT)) {
    return new BotyardError(
      'STORE_CORRUPT',
      `${path} is not a readable botyard database (${detail}). Fix: move it aside (mv ${path} ${path}.broken) ` +
        'and start again to begin with an empty store, or restore it from a backup. In botyard dev, --fresh starts clean.',
      { cause: err },
    );
  }
  if (isOneOf(code, UNWRITABLE)) {
    return new BotyardError(
      'STORE_UNWRITABLE',
      `${path} cannot be opened for writing (${detail}). Fix: make its folder exist and be writable by this user ` +
        `(and the file, with its -wal, -shm and -lock companions, if they exist), free disk space if it is full, ` +
        "or choose another path: store: { kind: 'sqlite', path } in bot.config.ts.",
      { cause: err },
    );
  }
  return err;
}
