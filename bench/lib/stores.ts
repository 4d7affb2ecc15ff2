/**
 * The store a benchmarked `botyard start` runs on, chosen by its config file: memory, SQLite (a fresh
 * file each start) or Redis (REDIS_URL in its environment, with the memory config's bots).
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './proc.ts';

export type BenchStore = 'memory' | 'sqlite';

export const SQLITE_BENCH_FILE = path.join(ROOT, 'bench/results/tmp/bench.db');

/**
 * The config file for `store`; for SQLite, removes the previous run's file first. `sqliteFile`: another
 * file in bench/results/tmp (pass it to the server as BENCH_SQLITE_FILE too), for a second SQLite server.
 */
export function storeConfig(store: BenchStore, sqliteFile?: string): string {
  const file = sqliteFile ? path.join(path.dirname(SQLITE_BENCH_FILE), sqliteFile) : SQLITE_BENCH_FILE;
  if (store === 'sqlite') for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
  return path.join(ROOT, `bench/lib/${store}.config.ts`);
}
