/**
 * `botyard dev` keeps one world under `<project>/.botyard/dev/`: the runtime's SQLite store and the
 * emulators' state side by side, so a restarted dev finds its channels, threads, users, bot identity
 * and bot state where it left them, and `--fresh` clears them together. (A separate folder from
 * `botyard start`'s .botyard/botyard.db: an emulator's identities and ids mean nothing to the real
 * platforms.)
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { StateStore } from '../state/store.ts';
import { uploadsDirOf } from '../emulator/stream/persist.ts';
import type { StoreChoice } from '../runtime/storage.ts';

export interface DevStatePaths {
  dir: string;
  streamFile: string;
  acsFile: string;
  /** The runtime's store, unless bot.config.ts names another (relative to the project). */
  sqlitePath: string;
}

export function devStatePaths(project: string): DevStatePaths {
  const dir = path.join(project, '.botyard', 'dev');
  return { dir, streamFile: path.join(dir, 'stream-emulator.json'), acsFile: path.join(dir, 'acs-emulator.json'), sqlitePath: path.join(dir, 'botyard.db') };
}

/** --fresh, before the emulators start: forget their state. */
export function clearEmulatorState(paths: DevStatePaths): void {
  for (const file of [paths.streamFile, paths.acsFile]) rmSync(file, { force: true });
  rmSync(uploadsDirOf(paths.streamFile), { recursive: true, force: true });
}

/**
 * --fresh, before the runtime opens its store: delete the SQLite file (a running dev on it is
 * refused first, by taking its lock). Redis is never cleared: it may be shared.
 */
export async function clearRuntimeState(choice: StoreChoice, log: Logger): Promise<void> {
  if (choice.kind === 'redis') {
    log.warn('--fresh: the store is Redis, which is left as it is (it may be shared); only the emulators start clean');
    return;
  }
  if (choice.kind !== 'sqlite') return;
  const { openSqliteDatabase } = await import('../state/sqlite-db.ts');
  (await openSqliteDatabase({ path: choice.path })).close();
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${choice.path}${suffix}`, { force: true });
}

/**
 * The runtime must never keep an ACS identity its emulator does not know (a state file deleted by
 * hand, a store path outside .botyard/dev): the bot would be a user that does not exist. Forgotten
 * here, before the adapter starts, so a new one is created in the emulator.
 */
export async function forgetUnknownAcsIdentity(store: StateStore, emulatorUsers: Array<{ id: string; deleted: boolean }>, log: Logger): Promise<void> {
  const { BOT_USER_KEY } = await import('../adapters/acs/identity.ts');
  const kept = await store.get<{ id: string }>(BOT_USER_KEY);
  if (!kept?.id || emulatorUsers.some((u) => u.id === kept.id && !u.deleted)) return;
  log.warn({ userId: kept.id }, 'the ACS emulator does not know the bot identity the store kept (its state was reset); creating a new one');
  await store.delete(BOT_USER_KEY);
}
