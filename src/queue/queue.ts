/**
 * The event queue between ingest and dispatch, one contract on three tiers: memory (tests and the kit;
 * not durable: events accepted but not yet handled are lost when the process dies), SQLite (the default
 * for `start` and `dev`: durable on disk, one process), Redis (Lua scripts per batch, when REDIS_URL is set: an
 * accepted event survives a crash and any instance can work it).
 */
import type { InboundEvent } from '../adapters/adapter.ts';

/**
 * Handles one event; throwing asks the queue to retry it (with backoff) and, after the last try, dead-letter it.
 * What it resolves to is ignored (the runtime's worker resolves to the handler runs, unwrapped: one promise less per event).
 */
export type EventWorker = (event: InboundEvent, info?: WorkInfo) => Promise<unknown>;

/** About the try being made: the dispatcher skips handlers that already succeeded when `attempt > 1`. */
export interface WorkInfo {
  /** 1 on the first try. */
  attempt: number;
  /**
   * Settles once the queue has durably recorded that this try began (SQLite, where that write shares
   * the next group commit). The runtime holds the handlers' platform calls until then, so a process
   * killed during one (an ACS send) restarts knowing the try ran and retries with `attempt > 1`, which
   * looks for the earlier send. Absent when the start is already durable or nothing survives a restart.
   */
  recorded?: Promise<unknown>;
}

export interface DeadLetter {
  event: InboundEvent;
  error: string;
  attempts: number;
  failedAt: string;
  /** The event's trace id when tracing was on: find its whole path in the tracing backend. */
  traceId?: string;
}

/** What ingest asks of a queue that can dedupe and enqueue in one step. */
export interface AcceptOptions {
  /** The state store key that marks the event as seen (`dedupe:<event id>`), unprefixed as the store sees it. */
  dedupeKey: string;
  /** How long the mark lives once the event is queued. */
  dedupeTtlMs: number;
}

export interface EventQueue {
  /** Accepts an event; resolves once it is safely queued (durably, on Redis). */
  enqueue(event: InboundEvent): Promise<void>;
  /**
   * Optional fast path: dedupe and enqueue as one durable step (one transaction, one round trip).
   * When present, ingest calls it instead of its own claim → enqueue → mark on the state store.
   * Resolves 'duplicate' when `dedupeKey` was already marked; 'accepted' only once the event is as
   * durable as `enqueue` makes it and the mark is visible through the state store under `dedupeKey`.
   * A rejection leaves neither the event nor the mark behind (the platform redelivers).
   */
  acceptOnce?(event: InboundEvent, options: AcceptOptions): Promise<'accepted' | 'duplicate'>;
  /** Starts working events. Events of one conversation are worked in order, one at a time. */
  start(worker: EventWorker): void;
  /** Events accepted and not yet finished. */
  depth(): Promise<number>;
  /** Resolves when every event accepted so far is finished (done or dead-lettered): tests and graceful shutdown await it. */
  idle?(): Promise<void>;
  /** Stops taking new work, waits up to `timeoutMs` for in-flight events, then resolves. */
  stop(timeoutMs?: number): Promise<void>;
  deadLetters(): Promise<DeadLetter[]>;
  /** How many dead letters there are (cheaper than deadLetters() for the metric); optional. */
  deadLetterCount?(): Promise<number>;
  /** Puts a dead-lettered event back on the queue; false when there is no such dead letter. */
  replay(eventId: string): Promise<boolean>;
}
