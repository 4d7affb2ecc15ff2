/**
 * An emulator's state kept in one JSON file (`botyard dev` persists its emulators under .botyard/):
 * read once at start, written within a moment of a change (one write per burst) and at close. Writes go to a
 * temporary file renamed over the old one, so a crash mid-write leaves the previous state whole.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BotyardError } from '../errors.ts';

export interface SnapshotFile<T> {
  /** The saved state, or undefined when there is no file yet. */
  load(): T | undefined;
  /** Saves `take()` within `debounceMs` (changes meanwhile ride along). */
  changed(): void;
  /** Saves now if anything changed since the last save. */
  flush(): void;
  /** Flushes and stops. */
  close(): void;
}

export function snapshotFile<T>(file: string, take: () => T, options: { debounceMs?: number } = {}): SnapshotFile<T> {
  const debounceMs = options.debounceMs ?? 100;
  let timer: NodeJS.Timeout | undefined;
  let dirty = false;
  let closed = false;

  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    if (!dirty) return;
    dirty = false;
    mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(take()));
    renameSync(tmp, file);
  };

  return {
    load() {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw err;
      }
      try {
        return JSON.parse(text) as T;
      } catch (err) {
        throw new BotyardError('EMULATOR_STATE_CORRUPT', `${file} is not valid JSON (${(err as Error).message}). Fix: delete it, or run botyard dev --fresh to start the emulators and the store clean.`, { cause: err });
      }
    },
    changed() {
      if (closed) return;
      dirty = true;
      if (!timer) {
        timer = setTimeout(flush, debounceMs);
        timer.unref();
      }
    },
    flush,
    close() {
      flush();
      closed = true;
    },
  };
}
