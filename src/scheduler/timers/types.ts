/**
 * The one-off timer contract. A timer is "run `<bot>`'s `bot.timer(name)` handler once at `dueAt`,
 * with this payload, bound to this conversation". Three backends implement `TimerBackend` and pass
 * one contract suite (test/scheduler/timers/timers.contract.ts):
 *
 * - memory (tests, the kit): one process, driven by an injected Clock; nothing survives a restart.
 * - sqlite (`start`/`dev` default): a timers table in the shared database, woken at the nearest due time.
 * - redis (several instances): BullMQ delayed jobs; fires once across instances, survives kills.
 *
 * What every backend guarantees:
 * - `schedule` is idempotent on `bot` + `id`: while a timer with that id is pending, failed, or fired
 *   within `keepFiredMs`, scheduling it again changes nothing (the first one wins). So a handler retried
 *   after a crash never schedules twice.
 * - A due timer is handed to `onDue` by one instance at a time; it is removed only once `onDue` said
 *   'done' (or moved to failed), so a crash mid-handler runs it again (at least once; Stream sends in it
 *   carry deterministic ids, so the platform still sees one message).
 * - `cancel` removes a pending timer for every instance sharing the backend.
 * - Due timers are handed over in order of their run time (then of scheduling).
 */
import type { ConversationRef, UserRef } from '../../adapters/adapter.ts';

/** One scheduled timer, as stored. Every field is JSON. */
export interface TimerRecord {
  bot: string;
  /** Unique per bot: client-chosen, or derived from the scheduling event (see src/context/timers.ts). */
  id: string;
  /** The `bot.timer(name)` handler that runs it. */
  name: string;
  /** When it should fire (ms since the epoch): what the user asked for. */
  dueAt: number;
  payload: unknown;
  /** Where the handler's `ctx.send` posts. */
  conversation?: ConversationRef;
  /** Who it is for (the user whose message scheduled it, by default): `ctx.timers.list({ user })`. */
  user?: UserRef;
  /** When it was scheduled (ms since the epoch). */
  createdAt: number;
  /** 1 on the first try; one more per retry after a failed handler. */
  attempt: number;
}

/** A stored timer and where it stands: `pending` (waiting, or firing now) or `failed` (every try failed). */
export interface StoredTimer extends TimerRecord {
  state: 'pending' | 'failed';
  /** When the backend will hand it over: `dueAt`, or a retry's time. */
  runAt: number;
  /** The last failure, on retried and failed timers. */
  error?: string;
}

export interface TimerFilter {
  /** Only timers of this conversation (`platform:id`, as `conversationKey` writes it). */
  conversation?: string;
  /** Only timers for this user id. */
  user?: string;
  /** Include failed timers (the console). Default: pending only. */
  includeFailed?: boolean;
}

/** What became of a fire attempt; the backend carries it out. */
export type FireDecision =
  /** Ran (or was skipped by its late policy): remove it, remembering the id for `keepFiredMs`. */
  | { kind: 'done' }
  /** Failed: hand it over again at `at` with `attempt + 1`. */
  | { kind: 'retry'; at: number; error: string }
  /** Failed for the last time: keep it as failed (the console can fire it again). */
  | { kind: 'failed'; error: string };

/** Called by the backend with each due timer; never throws (a throw counts as a retry in 1 s). */
export type DueHandler = (timer: TimerRecord) => Promise<FireDecision>;

export interface TimerBackend {
  readonly kind: 'memory' | 'sqlite' | 'redis';
  /** Adds the timer unless its `bot` + `id` is already taken (see the header); true when added. */
  schedule(timer: TimerRecord): Promise<boolean>;
  /** Removes a pending or failed timer everywhere; false when there was none (or it is firing right now). */
  cancel(bot: string, id: string): Promise<boolean>;
  get(bot: string, id: string): Promise<StoredTimer | undefined>;
  /** Timers of `bot` (every bot when undefined), earliest run time first. */
  list(bot: string | undefined, filter?: TimerFilter): Promise<StoredTimer[]>;
  /** Makes a pending or failed timer due now (the console's "fire now"); false when there is none. */
  fireNow(bot: string, id: string): Promise<boolean>;
  /** Starts handing due timers to `onDue` (once per instance). */
  start(onDue: DueHandler): void;
  /** Stops handing over timers and waits up to `timeoutMs` for those in flight. */
  stop(timeoutMs?: number): Promise<void>;
  /** Releases connections (after stop). */
  close(): Promise<void>;
}

/** Options every backend takes. */
export interface TimerBackendOptions {
  /** How long a fired timer's id stays taken, so a retried handler cannot schedule it again. Default one day. */
  keepFiredMs?: number;
  /** Due timers handled at once by this instance. Default 16. */
  concurrency?: number;
}

export const DEFAULT_KEEP_FIRED_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_TIMER_CONCURRENCY = 16;
