/**
 * Timers in the SQLite state database (the default tier of `botyard start` and `dev`): one row per
 * timer in `botyard_timers`, beside the store's and the queue's tables in the same file.
 *
 * - Woken by the nearest due time: the loop sleeps until the earliest `run_at` (due-loop.ts), re-armed
 *   when a schedule, cancel or fire-now moves it, and at most a minute (a safety net, not polling).
 * - Durable: a schedule resolves once its row is committed (the database's group commit), so a timer
 *   the bot confirmed survives a crash; what fell due while the process was down fires on the next start.
 * - Fires once: a loop claims due rows in one transaction before running them; the decision (fired,
 *   retry, failed) is committed with the claim released. A process that dies mid-handler leaves a claim
 *   that the next start releases at once (the database's process lock guarantees its owner is gone), so
 *   that timer runs again: at least once, and its Stream sends keep their ids.
 */
import { randomBytes } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import type { Logger } from 'pino';
import { conversationKey } from '../../adapters/adapter.ts';
import { systemClock, type Clock } from './clock.ts';
import { createDueLoop } from './due-loop.ts';
import { listQuery, rowToTimer, TIMER_MIGRATIONS, timerStatements, type TimerRow } from './sqlite-tables.ts';
import { DEFAULT_KEEP_FIRED_MS, DEFAULT_TIMER_CONCURRENCY, type TimerBackend, type TimerBackendOptions, type TimerRecord } from './types.ts';

/** What the timers need of the SQLite database (src/state/sqlite-db.ts provides it). */
export interface TimerDatabase {
  readonly handle: Database;
  migrate(module: string, migrations: readonly string[]): void;
  /** Runs `write` in the next group-commit transaction; resolves once it is committed. */
  batch<T>(write: () => T): Promise<T>;
}

export interface SqliteTimersOptions extends TimerBackendOptions {
  db: TimerDatabase;
  clock?: Clock;
  /** How long a claim holds: longer than any handler may run (handlerTimeoutMs). Default 5 minutes. */
  claimMs?: number;
  log?: Logger;
}

/** Loops of this process that may hold claims (a file is used by one process: the database's lock). */
const liveOwners = new Set<string>();
const SAFETY_WAKE_MS = 60_000;

export function createSqliteTimers(options: SqliteTimersOptions): TimerBackend {
  const { db } = options;
  const clock = options.clock ?? systemClock;
  const keepFiredMs = options.keepFiredMs ?? DEFAULT_KEEP_FIRED_MS;
  const claimMs = options.claimMs ?? 5 * 60_000;
  const owner = `${process.pid}-${randomBytes(4).toString('hex')}`;
  db.migrate('timers', TIMER_MIGRATIONS);
  const st = timerStatements(db.handle);

  const claimDue = db.handle.transaction((now: number, limit: number): TimerRecord[] => {
    st.purgeFired.run(now);
    const rows = st.due.all(now, now, limit);
    for (const r of rows) st.claim.run(owner, now + claimMs, r.bot, r.id);
    return rows.map((r) => {
      const { state: _state, runAt: _runAt, error: _error, ...record } = rowToTimer(r);
      return record;
    });
  });

  const loop = createDueLoop({
    clock,
    concurrency: options.concurrency ?? DEFAULT_TIMER_CONCURRENCY,
    maxSleepMs: SAFETY_WAKE_MS,
    ...(options.log ? { log: options.log } : {}),
    source: {
      nextRunAt: () => st.nextRunAt.get()?.at ?? undefined,
      claimDue: (now, limit) => claimDue(now, limit),
      settle: (t, decision) =>
        db.batch(() => {
          if (decision.kind === 'done') st.fired.run(clock.now() + keepFiredMs, t.bot, t.id, owner);
          else if (decision.kind === 'retry') st.retry.run(decision.at, decision.error, t.bot, t.id, owner);
          else st.failed.run(decision.error, t.bot, t.id, owner);
        }),
    },
  });

  return {
    kind: 'sqlite',
    async schedule(t) {
      const added = await db.batch(() => {
        st.freeExpired.run(t.bot, t.id, clock.now());
        return (
          st.insert.run({
            bot: t.bot,
            id: t.id,
            name: t.name,
            due_at: t.dueAt,
            payload: JSON.stringify(t.payload ?? null),
            conversation: t.conversation ? JSON.stringify(t.conversation) : null,
            conversation_key: t.conversation ? conversationKey(t.conversation) : null,
            user: t.user ? JSON.stringify(t.user) : null,
            user_id: t.user?.id ?? null,
            created_at: t.createdAt,
            attempt: t.attempt,
          }).changes === 1
        );
      });
      if (added) loop.poke(t.dueAt);
      return added;
    },
    async cancel(bot, id) {
      const removed = await db.batch(() => st.cancel.run(bot, id, clock.now()).changes === 1);
      if (removed) loop.poke();
      return removed;
    },
    async get(bot, id) {
      const row = st.get.get(bot, id);
      return row ? rowToTimer(row) : undefined;
    },
    async list(bot, filter = {}) {
      const { sql, params } = listQuery(bot, filter);
      return (db.handle.prepare(sql).all(...params) as TimerRow[]).map(rowToTimer);
    },
    async fireNow(bot, id) {
      const now = clock.now();
      const moved = await db.batch(() => st.fireNow.run(now, bot, id, now).changes === 1);
      if (moved) loop.poke();
      return moved;
    },
    start(onDue) {
      liveOwners.add(owner);
      // Claims by loops that are not alive in this process belong to a process that died.
      st.releaseClaims.run(JSON.stringify([...liveOwners]));
      loop.start(onDue);
    },
    async stop(timeoutMs) {
      await loop.stop(timeoutMs);
      liveOwners.delete(owner);
    },
    async close() {},
  };
}
