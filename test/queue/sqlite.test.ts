import { describe, expect, it } from 'vitest';
import { createSqliteQueue } from '../../src/queue/sqlite.ts';
import { openSqliteDatabase } from '../../src/state/sqlite-db.ts';
import { createSqliteStore } from '../../src/state/sqlite.ts';
import { committedTries, sqliteFiles } from '../helpers/sqlite.ts';
import { waitFor } from '../helpers/wait.ts';
import { makeEvent, runQueueContract } from './queue.contract.ts';

const files = sqliteFiles('queue');

runQueueContract('sqlite', async ({ maxAttempts, backoffMs, concurrency, log }) => {
  const db = await files.open();
  return { queue: createSqliteQueue({ db, maxAttempts, backoffMs, ...(concurrency ? { concurrency } : {}), ...(log ? { log } : {}) }), cleanup: async () => db.close() };
});

describe('sqlite queue', () => {
  it('acceptOnce: marks and queues in one step; the mark is visible through the store; duplicates are refused', async () => {
    const db = await files.open();
    const store = createSqliteStore({ db });
    const queue = createSqliteQueue({ db });
    const e = makeEvent('once');
    const outcomes = await Promise.all([1, 2, 3].map(() => queue.acceptOnce!(e, { dedupeKey: `dedupe:${e.id}`, dedupeTtlMs: 60_000 })));
    expect(outcomes.sort()).toEqual(['accepted', 'duplicate', 'duplicate']);
    expect(await store.get(`dedupe:${e.id}`)).toBe('queued');
    expect(await queue.depth()).toBe(1);
    await queue.stop();
  });
});

describe('sqlite queue across restarts', () => {
  it('keeps queued, backing-off and in-flight events for the next start, in order, telling re-runs apart', async () => {
    const file = files.newPath();
    const db1 = await openSqliteDatabase({ path: file });
    const q1 = createSqliteQueue({ db: db1, maxAttempts: 3, backoffMs: 60_000 });
    const events = [0, 1, 2, 3].map((i) => makeEvent('ordered', i));
    const other = makeEvent('other', 9);
    for (const e of [...events, other]) await q1.enqueue(e);
    let release!: () => void;
    q1.start(async (e) => {
      if (e.id === events[0]!.id) return; // done before the stop
      if (e.id === other.id) throw new Error('fails, then waits out a long backoff');
      await new Promise<void>((resolve) => (release = resolve)); // in flight at the stop
    });
    await waitFor(() => release !== undefined, { what: 'the second event to start' });
    await q1.stop(20); // times out on the in-flight one
    db1.close();
    release();

    const db2 = await files.open(file);
    const q2 = createSqliteQueue({ db: db2, maxAttempts: 3, backoffMs: 5 });
    expect(await q2.depth()).toBe(4);
    const seen: Array<[number, number]> = [];
    q2.start(async (e, info) => void seen.push([(e.message!.data as { n: number }).n, info!.attempt]));
    await waitFor(() => seen.length === 4, { what: 'the backlog to run' });
    const ordered = seen.filter(([n]) => n !== 9);
    expect(ordered).toEqual([[1, 2], [2, 1], [3, 1]]);
    expect(seen.find(([n]) => n === 9)).toEqual([9, 2]);
    await q2.stop();
  });

  it("a try's start is on disk once WorkInfo.recorded settles (the runtime holds platform calls until then)", async () => {
    const file = files.newPath();
    const db = await files.open(file);
    const queue = createSqliteQueue({ db });
    // Another connection sees only what is committed: what a process started after a SIGKILL would read.
    const reader = await openSqliteDatabase({ path: file, lock: false, mustExist: true });
    const triesOnDisk = () => committedTries(reader);
    const seen: number[][] = [];
    queue.start(async (_e, info) => {
      await info!.recorded;
      seen.push(triesOnDisk());
    });
    await queue.enqueue(makeEvent('side-effect'));
    await waitFor(() => seen.length === 1, { what: 'the handler to run' });
    expect(seen).toEqual([[1]]);
    reader.close();
    await queue.stop();
  });

  it('a replay asked for by another process (the CLI) is worked by the running owner', async () => {
    const file = files.newPath();
    const db = await files.open(file);
    const queue = createSqliteQueue({ db, maxAttempts: 1, inboxPollMs: 20 });
    let failing = true;
    const done: string[] = [];
    const attempts: number[] = [];
    queue.start(async (e, info) => {
      attempts.push(info!.attempt);
      if (failing) throw new Error('broken');
      done.push(e.id);
    });
    const e = makeEvent('cli');
    await queue.enqueue(e);
    await waitFor(async () => (await queue.deadLetters()).length === 1, { what: 'a dead letter' });

    // What `botyard replay` does: open the file beside its owner, without the lock.
    const cli = await openSqliteDatabase({ path: file, lock: false, mustExist: true });
    const { queueTables } = await import('../../src/queue/sqlite-tables.ts');
    const tables = queueTables(cli);
    expect(tables.deadLetters().map((l) => l.event.id)).toEqual([e.id]);
    failing = false;
    expect(cli.handle.transaction(() => tables.requestReplay(e.id))()).toBe(true);
    expect(cli.handle.transaction(() => tables.requestReplay(e.id))()).toBe(false);
    cli.close();

    await waitFor(() => done.includes(e.id), { what: 'the replayed event' });
    expect(attempts).toEqual([1, 2]); // told it ran before, so done handlers are skipped
    expect(await queue.deadLetters()).toEqual([]);
    await queue.stop();
  });
});
