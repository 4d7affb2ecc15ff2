/**
 * The durable event queue on SQLite, for one process (the default for `start` and `dev`). Scheduling
 * is the in-process scheduler the memory queue uses (local.ts: per-conversation order, concurrency,
 * retries with backoff, dead letters); every step is also written to the database (sqlite-tables.ts):
 *
 * - accepted: the event row (and, through `acceptOnce`, the ingest's dedupe mark in the store's kv
 *   table) is committed before the call resolves, so the platform's 200 follows the disk. Accepts
 *   from one event-loop turn share one transaction (group commit, sqlite-batch.ts);
 * - a try started: its count is written, and committed before the handlers' first platform call
 *   (WorkInfo `recorded`), so a restart knows the event may have run, even when the process died
 *   during that call;
 * - done: the row is deleted; dead: it moves to queue_dead.
 *
 * On start (creation) the backlog is loaded in arrival order: events that were queued, backing off,
 * or running when the process died run again, told `attempt > 1` when a try had started, so the
 * dispatcher skips handlers that had already succeeded (their done-markers live in the store, on the
 * same file). A run cut short by the process dying counts as a try: an event that took the process
 * down on every one of its `maxAttempts` tries is dead-lettered instead of crashing it forever.
 */
import type { Logger } from 'pino';
import type { InboundEvent } from '../adapters/adapter.ts';
import type { SqliteDatabase } from '../state/sqlite-db.ts';
import { kvMarker } from '../state/sqlite.ts';
import { createLocalScheduler, stoppedError, type QueuedEvent } from './local.ts';
import { eventJsonText } from './event-json.ts';
import type { EventQueue } from './queue.ts';
import { queueTables } from './sqlite-tables.ts';

export interface SqliteQueueOptions {
  db: SqliteDatabase;
  /** Events worked at once across conversations. Default 32. */
  concurrency?: number;
  /** Tries per event before it becomes a dead letter. Default 3. */
  maxAttempts?: number;
  /** First retry delay; doubles each try. Default 1000. */
  backoffMs?: number;
  /** How often to look for replays another process (the CLI) asked for; a cheap PRAGMA. Default 1000. */
  inboxPollMs?: number;
  /** Clock for dedupe marks (tests). */
  now?: () => number;
  log?: Logger;
}

export function createSqliteQueue(options: SqliteQueueOptions): EventQueue {
  const { db, log } = options;
  const tables = queueTables(db);
  const mark = kvMarker(db, options.now);
  const maxAttempts = Math.max(1, options.maxAttempts ?? 3);
  const firstBackoff = options.backoffMs ?? 1000;
  /** Journal writes nobody waits for: a failure means an event may run once more after a restart. */
  const record = (what: string, write: () => void) =>
    db.batch(write).catch((err: unknown) => log?.warn({ err }, `queue: could not record ${what}; the event may run again after a restart`));
  /**
   * Events finished in memory whose end is not committed yet (one event-loop turn): depth() and
   * idle() count them, so whoever sees the queue empty (a metrics scrape, a test about to kill the
   * process) sees it empty on disk too.
   */
  let ending = 0;
  let endingWaiters: Array<() => void> = [];
  const recordEnd = (what: string, write: () => void) => {
    ending++;
    void record(what, write).finally(() => {
      if (--ending > 0) return;
      const waiters = endingWaiters;
      endingWaiters = [];
      for (const resolve of waiters) resolve();
    });
  };
  const scheduler = createLocalScheduler({
    concurrency: options.concurrency ?? 32,
    maxAttempts,
    backoffMs: (attempt) => firstBackoff * 2 ** (attempt - 1),
    ...(log ? { log } : {}),
    journal: {
      // Settles with the next group commit (≤ one event-loop turn); handlers' platform calls wait for it (WorkInfo).
      started: (item) => record('a try', () => tables.started(item)),
      finished: (item) => recordEnd('a finished event', () => tables.finished(item)),
      deadLettered: (item, letter) => recordEnd('a dead letter', () => tables.deadLettered(item, letter)),
    },
  });

  const admit = (items: QueuedEvent[]) => {
    for (const item of items) {
      if (item.attempts >= maxAttempts) {
        scheduler.reject(item, `the process stopped (crash, kill or a shutdown that timed out) during each of its ${item.attempts} tries`);
      } else {
        scheduler.admit(item);
      }
    }
  };
  admit(tables.backlog());
  admit(db.handle.transaction(tables.drainInbox)());

  // Replays from the CLI: data_version moves only when another connection committed, so this is free when idle.
  let seenVersion = db.handle.pragma('data_version', { simple: true });
  const inboxTimer = setInterval(() => {
    if (!db.handle.open || scheduler.stopped) return;
    const version = db.handle.pragma('data_version', { simple: true });
    if (version === seenVersion) return;
    seenVersion = version;
    db.batch(tables.drainInbox).then(admit, (err: unknown) => log?.warn({ err }, 'queue: could not take replays from the inbox'));
  }, options.inboxPollMs ?? 1000);
  inboxTimer.unref();

  /** After the commit: a queue stopped meanwhile leaves the event on disk for the next start. */
  const admitNew = (event: InboundEvent, ref: number) => {
    if (!scheduler.stopped) scheduler.admit({ event, attempts: 0, prior: 0, ref });
  };

  return {
    async enqueue(event) {
      if (scheduler.stopped) throw stoppedError(event.id);
      const body = eventJsonText(event);
      admitNew(event, await db.batch(() => tables.add(body, 0)));
    },
    async acceptOnce(event, { dedupeKey, dedupeTtlMs }) {
      if (scheduler.stopped) throw stoppedError(event.id);
      const body = eventJsonText(event);
      const ref = await db.batch(() => (mark(dedupeKey, '"queued"', dedupeTtlMs) ? tables.add(body, 0) : undefined));
      if (ref === undefined) return 'duplicate';
      admitNew(event, ref);
      return 'accepted';
    },
    start: (worker) => scheduler.start(worker),
    depth: async () => scheduler.depth() + ending,
    async idle() {
      await scheduler.idle();
      if (ending > 0) await new Promise<void>((resolve) => endingWaiters.push(resolve));
    },
    async stop(timeoutMs = 10_000) {
      clearInterval(inboxTimer);
      await scheduler.stop(timeoutMs);
      if (db.handle.open) db.flush();
    },
    deadLetters: () => db.batch(tables.deadLetters),
    async replay(eventId) {
      const item = await db.batch(() => tables.revive(eventId));
      if (!item) return false;
      scheduler.admit(item);
      return true;
    },
  };
}
