/**
 * The SQLite queue's tables and every statement on them, shared by the queue that owns the file and
 * by the CLI tools that look at it while it runs (`botyard dead-letters`, `botyard replay`).
 *
 * - queue_events: accepted events not yet finished, in arrival order (`seq`), with the tries started
 *   in this round (`attempts`, written when a try starts) and in earlier rounds (`prior`).
 * - queue_dead: dead letters, one per event id.
 * - queue_inbox: replays asked for by another process (the CLI); the owner moves them to
 *   queue_events when it sees another connection commit (PRAGMA data_version), or at its next start.
 */
import type { InboundEvent } from '../adapters/adapter.ts';
import type { SqliteDatabase } from '../state/sqlite-db.ts';
import { traceIdOf } from '../telemetry/carrier.ts';
import type { QueuedEvent } from './local.ts';
import type { DeadLetter } from './queue.ts';

/** Appended to, never edited (see SqliteDatabase.migrate). */
export const QUEUE_MIGRATIONS = [
  `CREATE TABLE queue_events (seq INTEGER PRIMARY KEY, event TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, prior INTEGER NOT NULL DEFAULT 0);
   CREATE TABLE queue_dead (event_id TEXT PRIMARY KEY, event TEXT NOT NULL, error TEXT NOT NULL, attempts INTEGER NOT NULL, prior INTEGER NOT NULL, failed_at TEXT NOT NULL);
   CREATE TABLE queue_inbox (seq INTEGER PRIMARY KEY, event TEXT NOT NULL, prior INTEGER NOT NULL)`,
] as const;

interface EventRow {
  seq: number;
  event: string;
  attempts: number;
  prior: number;
}
interface DeadRow {
  event: string;
  error: string;
  attempts: number;
  prior: number;
  failed_at: string;
}

export function queueTables(db: SqliteDatabase) {
  db.migrate('queue', QUEUE_MIGRATIONS);
  const h = db.handle;
  const insertEvent = h.prepare('INSERT INTO queue_events (event, attempts, prior) VALUES (?, 0, ?)');
  const setAttempts = h.prepare('UPDATE queue_events SET attempts = ? WHERE seq = ?');
  const deleteEvent = h.prepare('DELETE FROM queue_events WHERE seq = ?');
  const allEvents = h.prepare<[], EventRow>('SELECT seq, event, attempts, prior FROM queue_events ORDER BY seq');
  const putDead = h.prepare('INSERT OR REPLACE INTO queue_dead (event_id, event, error, attempts, prior, failed_at) VALUES (?, ?, ?, ?, ?, ?)');
  const allDead = h.prepare<[], DeadRow>('SELECT event, error, attempts, prior, failed_at FROM queue_dead ORDER BY failed_at');
  const takeDead = h.prepare<[string], DeadRow>('DELETE FROM queue_dead WHERE event_id = ? RETURNING event, error, attempts, prior, failed_at');
  const insertInbox = h.prepare('INSERT INTO queue_inbox (event, prior) VALUES (?, ?)');
  const inbox = h.prepare<[], { seq: number; event: string; prior: number }>('SELECT seq, event, prior FROM queue_inbox ORDER BY seq');
  const clearInbox = h.prepare('DELETE FROM queue_inbox WHERE seq <= ?');

  /** Adds an event row; returns its seq. Run inside a transaction (db.batch) with whatever must commit with it. */
  const add = (body: string, prior: number): number => Number(insertEvent.run(body, prior).lastInsertRowid);
  // The trace id is the stored event's own (its traceparent): no column of its own, so rows written before it read the same.
  const toLetter = (row: DeadRow): DeadLetter => {
    const event = JSON.parse(row.event) as InboundEvent;
    const traceId = traceIdOf(event);
    return { event, error: row.error, attempts: row.attempts, failedAt: row.failed_at, ...(traceId ? { traceId } : {}) };
  };

  return {
    add,
    started: (item: QueuedEvent) => void setAttempts.run(item.attempts, item.ref),
    finished: (item: QueuedEvent) => void deleteEvent.run(item.ref),
    deadLettered(item: QueuedEvent, letter: DeadLetter) {
      deleteEvent.run(item.ref);
      putDead.run(letter.event.id, JSON.stringify(letter.event), letter.error, letter.attempts, item.prior, letter.failedAt);
    },
    /** Every queued event in arrival order (a restart's backlog). */
    backlog: (): QueuedEvent[] =>
      allEvents.all().map((row) => ({ event: JSON.parse(row.event) as InboundEvent, attempts: row.attempts, prior: row.prior, ref: row.seq })),
    deadLetters: (): DeadLetter[] => allDead.all().map(toLetter),
    /** Moves a dead letter back to the queue; the new item, or undefined when there is none. */
    revive(eventId: string): QueuedEvent | undefined {
      const row = takeDead.get(eventId);
      if (!row) return undefined;
      const prior = row.prior + row.attempts;
      return { event: JSON.parse(row.event) as InboundEvent, attempts: 0, prior, ref: add(row.event, prior) };
    },
    /** From another process: moves a dead letter to the inbox the owner drains. False when there is none. */
    requestReplay(eventId: string): boolean {
      const row = takeDead.get(eventId);
      if (!row) return false;
      insertInbox.run(row.event, row.prior + row.attempts);
      return true;
    },
    /** The owner: moves inbox rows to the queue; the new items in order. */
    drainInbox(): QueuedEvent[] {
      const rows = inbox.all();
      if (rows.length) clearInbox.run(rows[rows.length - 1]!.seq);
      return rows.map((row) => ({ event: JSON.parse(row.event) as InboundEvent, attempts: 0, prior: row.prior, ref: add(row.event, row.prior) }));
    },
  };
}

export type QueueTables = ReturnType<typeof queueTables>;
