import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createManualClock } from '../../../src/scheduler/timers/manual-clock.ts';
import { createSqliteTimers, type TimerDatabase } from '../../../src/scheduler/timers/sqlite.ts';
import type { TimerBackend } from '../../../src/scheduler/timers/types.ts';
import { runTimersContract } from './timers.contract.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'botyard-timers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

/** A database the way the timers use one: WAL, migrations once, writes committed before they resolve. */
function openDb(file: string): TimerDatabase & { close(): void } {
  const handle = new Database(file);
  handle.pragma('journal_mode = WAL');
  handle.exec('CREATE TABLE IF NOT EXISTS schema (module TEXT PRIMARY KEY, version INTEGER)');
  return {
    handle,
    migrate(module, migrations) {
      const at = (handle.prepare('SELECT version FROM schema WHERE module = ?').get(module) as { version: number } | undefined)?.version ?? 0;
      handle.transaction(() => {
        for (const sql of migrations.slice(at)) handle.exec(sql);
        handle.prepare('INSERT OR REPLACE INTO schema VALUES (?, ?)').run(module, migrations.length);
      })();
    },
    batch: async (write) => handle.transaction(write)(),
    close: () => handle.close(),
  };
}

runTimersContract('sqlite', async () => {
  const file = path.join(dir, `timers-${++files}.db`);
  const clock = createManualClock();
  let db = openDb(file);
  let instances: TimerBackend[] = [];
  const instance = (options: { concurrency?: number } = {}) => {
    const backend = createSqliteTimers({ db, clock, ...options });
    instances.push(backend);
    return backend;
  };
  return {
    instance,
    now: clock.now,
    async until(check, ms, what) {
      await clock.advance(ms);
      if (!check()) throw new Error(`${what}: still not so after ${ms} ms of clock time`);
    },
    async restart() {
      // As on SIGKILL: loops abandoned, the file closed, then opened again by a new process.
      for (const i of instances.splice(0)) await i.stop(0);
      db.close();
      db = openDb(file);
      return instance();
    },
    async close() {
      for (const i of instances.splice(0)) await i.stop();
      db.close();
    },
  };
});

describe('sqlite timers', () => {
  it('a timer claimed by a process that died runs again on the next start, at once', async () => {
    const file = path.join(dir, 'crash.db');
    const clock = createManualClock({ start: 0 });
    const db = openDb(file);
    const first = createSqliteTimers({ db, clock });
    let release: () => void = () => {};
    const runs: string[] = [];
    first.start(async (t) => {
      runs.push(`first:${t.id}`);
      await new Promise<void>((r) => (release = r)); // dies mid-handler: never settles
      return { kind: 'done' };
    });
    await first.schedule({ bot: 'b', id: 'x', name: 'n', dueAt: 1000, payload: { a: 1 }, createdAt: 0, attempt: 1 });
    const firing = clock.advance(1000);
    await new Promise((r) => setImmediate(r));
    expect(runs).toEqual(['first:x']);
    await first.stop(0); // the process is gone; its claim is still in the file
    db.close();

    const db2 = openDb(file);
    const clock2 = createManualClock({ start: 2000 }); // the new process's clock (the old one is stuck in its handler)
    const second = createSqliteTimers({ db: db2, clock: clock2 });
    second.start(async (t) => {
      runs.push(`second:${t.id}:${JSON.stringify(t.payload)}`);
      return { kind: 'done' };
    });
    await clock2.advance(0);
    expect(runs).toEqual(['first:x', 'second:x:{"a":1}']);
    release();
    await firing.catch(() => {});
    await second.stop();
    db2.close();
  });

  it('sleeps until the nearest due time, with a one-minute safety wake-up', async () => {
    const clock = createManualClock({ start: 0 });
    const db = openDb(path.join(dir, 'wake.db'));
    const timers = createSqliteTimers({ db, clock });
    timers.start(async () => ({ kind: 'done' }));
    await new Promise((r) => setImmediate(r));
    expect(clock.pending().map((d) => d.getTime())).toEqual([60_000]);
    await timers.schedule({ bot: 'b', id: 'a', name: 'n', dueAt: 5000, payload: null, createdAt: 0, attempt: 1 });
    await new Promise((r) => setImmediate(r));
    expect(clock.pending().map((d) => d.getTime())).toEqual([5000]);
    await timers.stop();
    db.close();
  });
});
