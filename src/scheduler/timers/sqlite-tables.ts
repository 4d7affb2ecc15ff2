/**
 * The SQLite timers table and its statements. One row per timer; a fired timer stays as a `fired` row
 * (its payload dropped) until `run_at` (then: when its id is free again), so a retried handler cannot
 * schedule it twice. `claimed_by`/`claimed_until` mark a timer some loop is firing; a claim whose owner
 * died lapses at `claimed_until` (and on the next start, see sqlite.ts).
 */
import type { Database, Statement } from 'better-sqlite3';
import type { StoredTimer } from './types.ts';

export const TIMER_MIGRATIONS = [
  `CREATE TABLE botyard_timers (
    bot TEXT NOT NULL,
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    due_at INTEGER NOT NULL,
    run_at INTEGER NOT NULL,
    payload TEXT NOT NULL,
    conversation TEXT,
    conversation_key TEXT,
    user TEXT,
    user_id TEXT,
    created_at INTEGER NOT NULL,
    attempt INTEGER NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'failed', 'fired')),
    error TEXT,
    claimed_by TEXT,
    claimed_until INTEGER,
    PRIMARY KEY (bot, id)
  )`,
  'CREATE INDEX botyard_timers_due ON botyard_timers (state, run_at)',
  'CREATE INDEX botyard_timers_user ON botyard_timers (bot, user_id, run_at)',
  'CREATE INDEX botyard_timers_conversation ON botyard_timers (bot, conversation_key, run_at)',
];

/** A row as SQLite returns it. */
export interface TimerRow {
  bot: string;
  id: string;
  name: string;
  due_at: number;
  run_at: number;
  payload: string;
  conversation: string | null;
  user: string | null;
  created_at: number;
  attempt: number;
  state: 'pending' | 'failed';
  error: string | null;
}

export function rowToTimer(r: TimerRow): StoredTimer {
  return {
    bot: r.bot,
    id: r.id,
    name: r.name,
    dueAt: r.due_at,
    payload: JSON.parse(r.payload),
    ...(r.conversation ? { conversation: JSON.parse(r.conversation) } : {}),
    ...(r.user ? { user: JSON.parse(r.user) } : {}),
    createdAt: r.created_at,
    attempt: r.attempt,
    state: r.state,
    runAt: r.run_at,
    ...(r.error ? { error: r.error } : {}),
  };
}

const LIVE = `state IN ('pending', 'failed')`;
const COLUMNS = 'bot, id, name, due_at, run_at, payload, conversation, user, created_at, attempt, state, error';

type Stmt<P extends unknown[] = unknown[], R = unknown> = Statement<P, R>;

/** The statements of the timers table (named, so declaration files can refer to them). */
export interface TimerStatements {
  freeExpired: Stmt;
  insert: Stmt;
  get: Stmt<[string, string], TimerRow>;
  cancel: Stmt;
  fireNow: Stmt;
  nextRunAt: Stmt<[], { at: number }>;
  due: Stmt<[number, number, number], TimerRow>;
  claim: Stmt;
  fired: Stmt;
  retry: Stmt;
  failed: Stmt;
  releaseClaims: Stmt;
  purgeFired: Stmt;
}

/** Prepared once per database. */
export function timerStatements(db: Database): TimerStatements {
  const s = <P extends unknown[] = unknown[], R = unknown>(sql: string) => db.prepare<P, R>(sql) as Stmt<P, R>;
  return {
    freeExpired: s(`DELETE FROM botyard_timers WHERE bot = ? AND id = ? AND state = 'fired' AND run_at <= ?`),
    insert: s(
      `INSERT INTO botyard_timers (bot, id, name, due_at, run_at, payload, conversation, conversation_key, user, user_id, created_at, attempt, state)
       VALUES (@bot, @id, @name, @due_at, @due_at, @payload, @conversation, @conversation_key, @user, @user_id, @created_at, @attempt, 'pending')
       ON CONFLICT (bot, id) DO NOTHING`,
    ),
    get: s<[string, string], TimerRow>(`SELECT ${COLUMNS} FROM botyard_timers WHERE bot = ? AND id = ? AND ${LIVE}`),
    cancel: s(`DELETE FROM botyard_timers WHERE bot = ? AND id = ? AND ${LIVE} AND (claimed_by IS NULL OR claimed_until < ?)`),
    fireNow: s(
      `UPDATE botyard_timers SET run_at = ?, attempt = CASE WHEN state = 'failed' THEN 1 ELSE attempt END, state = 'pending'
       WHERE bot = ? AND id = ? AND ${LIVE} AND (claimed_by IS NULL OR claimed_until < ?)`,
    ),
    /**
     * The earliest run time of a timer nobody holds: an index walk that stops at the first unclaimed row.
     * (A claim whose loop died lapses unseen here; the loop's one-minute safety wake picks it up.)
     */
    nextRunAt: s<[], { at: number }>(`SELECT run_at AS at FROM botyard_timers WHERE state = 'pending' AND claimed_by IS NULL ORDER BY run_at LIMIT 1`),
    due: s<[number, number, number], TimerRow>(
      `SELECT ${COLUMNS} FROM botyard_timers WHERE state = 'pending' AND run_at <= ? AND (claimed_by IS NULL OR claimed_until < ?) ORDER BY run_at, rowid LIMIT ?`,
    ),
    claim: s(`UPDATE botyard_timers SET claimed_by = ?, claimed_until = ? WHERE bot = ? AND id = ?`),
    fired: s(`UPDATE botyard_timers SET state = 'fired', run_at = ?, payload = 'null', error = NULL, claimed_by = NULL, claimed_until = NULL WHERE bot = ? AND id = ? AND claimed_by = ?`),
    retry: s(`UPDATE botyard_timers SET run_at = ?, attempt = attempt + 1, error = ?, claimed_by = NULL, claimed_until = NULL WHERE bot = ? AND id = ? AND claimed_by = ?`),
    failed: s(`UPDATE botyard_timers SET state = 'failed', error = ?, claimed_by = NULL, claimed_until = NULL WHERE bot = ? AND id = ? AND claimed_by = ?`),
    /** Claims of loops that no longer exist (a previous process): their timers are free at once. */
    releaseClaims: s(`UPDATE botyard_timers SET claimed_by = NULL, claimed_until = NULL WHERE claimed_by IS NOT NULL AND claimed_by NOT IN (SELECT value FROM json_each(?))`),
    purgeFired: s(`DELETE FROM botyard_timers WHERE state = 'fired' AND run_at <= ?`),
  };
}

/** `SELECT` of live timers for `list`, with only the filters given. */
export function listQuery(bot: string | undefined, filter: { user?: string; conversation?: string; includeFailed?: boolean }): { sql: string; params: unknown[] } {
  const where = [filter.includeFailed ? LIVE : `state = 'pending'`];
  const params: unknown[] = [];
  if (bot !== undefined) (where.push('bot = ?'), params.push(bot));
  if (filter.user !== undefined) (where.push('user_id = ?'), params.push(filter.user));
  if (filter.conversation !== undefined) (where.push('conversation_key = ?'), params.push(filter.conversation));
  return { sql: `SELECT ${COLUMNS} FROM botyard_timers WHERE ${where.join(' AND ')} ORDER BY run_at, rowid`, params };
}
