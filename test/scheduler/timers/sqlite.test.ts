import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createManualClock } from '../../../src/scheduler/timers/manual-clock.ts';
import { createSqliteTimers } from '../../../src/scheduler/timers/sqlite.ts';
import { openSqliteDatabase } from '../../../src/state/sqlite-db.ts';
import type { TimerBackend } from '../../../src/scheduler/timers/types.ts';
import { runTimersContract } from './timers.contract.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'botyard-timers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

/** The state database, as storage.ts opens it (the timers share it with the store and the queue). */
const openDb = (file: string) => openSqliteDatabase({ path: file });

runTimersContract('sqlite', async () => {
  const file = path.join(dir, `timers-${++files}.db`);
  const clock = createManualClock();
  let db = await openDb(file);
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
      db = await openDb(file);
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
    const db = await openDb(file);
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

    const db2 = await openDb(file);
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
    const db = await openDb(path.join(dir, 'wake.db'));
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
