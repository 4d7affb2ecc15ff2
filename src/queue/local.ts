/**
 * The in-process scheduler behind the memory and SQLite queues: which event runs when. What an event
 * becomes when it starts, finishes or dies is told to a journal (nothing in memory; rows on SQLite),
 * so the same scheduling serves both tiers.
 *
 * Shape, chosen for the webhook hot path (~8k events/s on one core):
 * - one FIFO per conversation, and one FIFO of conversations that have work and no event running;
 *   admitting is a Map lookup and two pushes, dispatch pops heads; no scans, no per-event timers;
 * - at most one event per conversation runs at a time (order kept), up to `concurrency` overall;
 * - a throwing event is retried in place after `backoffMs(attempt)` (the only timer, and only on
 *   failure), so later events of its conversation wait behind it and order holds across retries;
 *   after `maxAttempts` it becomes a dead letter and the conversation moves on;
 * - dispatch runs on a setImmediate batch, so admitting returns (the webhook is acked) before handlers
 *   start using the CPU.
 */
import type { Logger } from 'pino';
import type { InboundEvent } from '../adapters/adapter.ts';
import { BotyardError } from '../errors.ts';
import { traceLogFields } from '../telemetry/carrier.ts';
import { deadLetterOf } from './dead-letter.ts';
import { Fifo } from './fifo.ts';
import type { DeadLetter, EventWorker } from './queue.ts';

export const conversationKey = (event: InboundEvent) => `${event.conversation.platform}:${event.conversation.id}`;

/** An accepted event and its tries. */
export interface QueuedEvent {
  event: InboundEvent;
  /** Tries started in this round; `maxAttempts` bounds it. A replay starts a new round. */
  attempts: number;
  /** Tries of earlier rounds: the worker is told `prior + attempts`, so a replay skips handlers already done. */
  prior: number;
  /** The journal's handle on the event (SQLite: its row id). */
  ref?: number;
}

/** What the scheduler reports as events move; each call must not throw (or reject). */
export interface QueueJournal {
  /**
   * A try is about to run. A durable journal returns a promise that settles once the try is on disk;
   * it goes to the worker as WorkInfo `recorded`.
   */
  started(item: QueuedEvent): void | Promise<unknown>;
  finished(item: QueuedEvent): void;
  deadLettered(item: QueuedEvent, letter: DeadLetter): void;
}

export interface LocalSchedulerOptions {
  /** Events worked at once across conversations. */
  concurrency: number;
  /** Tries per event before it becomes a dead letter. */
  maxAttempts: number;
  /** Wait before try `attempt + 1`, given the failed try's number (1-based). */
  backoffMs: (attempt: number) => number;
  journal: QueueJournal;
  log?: Logger;
}

interface Conversation {
  key: string;
  events: Fifo<QueuedEvent>;
  /** An event of this conversation is running or waiting out its backoff. */
  busy: boolean;
}

export function createLocalScheduler(options: LocalSchedulerOptions) {
  const concurrency = Math.max(1, options.concurrency);
  const maxAttempts = Math.max(1, options.maxAttempts);
  const { backoffMs, journal, log } = options;

  const conversations = new Map<string, Conversation>();
  const ready = new Fifo<Conversation>();
  const retryTimers = new Set<NodeJS.Timeout>();
  let worker: EventWorker | undefined;
  let pending = 0; // admitted and not yet finished (done or dead-lettered)
  let active = 0;
  let scheduled = false;
  let stopped = false;
  let idleWaiters: Array<() => void> = [];
  /** Waiting for `pending` to reach zero (idle()). */
  let drainWaiters: Array<() => void> = [];

  const schedule = () => {
    if (scheduled || !worker || stopped) return;
    scheduled = true;
    setImmediate(pump);
  };

  const pump = () => {
    scheduled = false;
    while (active < concurrency && !stopped) {
      const conv = ready.shift();
      if (!conv) return;
      const head = conv.events.peek();
      if (!head) continue;
      conv.busy = true;
      active++;
      void run(conv, head);
    }
  };

  const run = async (conv: Conversation, item: QueuedEvent) => {
    item.attempts++;
    const recorded = journal.started(item);
    let failure: unknown;
    let failed = false;
    try {
      const attempt = item.prior + item.attempts;
      await worker!(item.event, recorded ? { attempt, recorded } : { attempt });
    } catch (err) {
      failed = true;
      failure = err;
    }
    active--;
    if (!failed) {
      journal.finished(item);
      finish(conv);
    } else if (item.attempts < maxAttempts) {
      // Stopping: the event stays queued (in memory it is lost with the process; on SQLite it runs at the next start).
      if (stopped) return settle();
      const wait = backoffMs(item.attempts);
      // A handler failure was already logged, once, by the dispatcher: the retry itself is a detail.
      const level = (failure as { code?: string })?.code === 'HANDLERS_FAILED' ? 'debug' : 'warn';
      log?.[level]({ err: failure, eventId: item.event.id, conversation: conv.key, attempt: item.attempts, retryInMs: wait, ...traceLogFields(item.event) }, 'event failed; retrying');
      const timer = setTimeout(() => {
        retryTimers.delete(timer);
        ready.push(conv);
        schedule();
      }, wait);
      retryTimers.add(timer);
    } else {
      deadLetter(item, failure);
      finish(conv);
    }
    settle();
  };

  const deadLetter = (item: QueuedEvent, failure: unknown) => journal.deadLettered(item, deadLetterOf(item.event, failure, item.attempts, log));

  const settle = () => {
    if (active === 0 && idleWaiters.length) {
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
    // Only when a conversation is waiting: most events finish with none ready, and an empty pump is
    // an Immediate (and its async-hook bookkeeping) per event for nothing.
    if (ready.length > 0) schedule();
  };

  const finish = (conv: Conversation) => {
    conv.events.shift();
    pending--;
    if (pending === 0 && drainWaiters.length) {
      const waiters = drainWaiters;
      drainWaiters = [];
      for (const resolve of waiters) resolve();
    }
    conv.busy = false;
    if (conv.events.length > 0) ready.push(conv);
    else conversations.delete(conv.key);
  };

  return {
    /** Queues an accepted event behind the others of its conversation. */
    admit(item: QueuedEvent) {
      const key = conversationKey(item.event);
      let conv = conversations.get(key);
      if (!conv) {
        conv = { key, events: new Fifo(), busy: false };
        conversations.set(key, conv);
      }
      conv.events.push(item);
      pending++;
      // A conversation is in `ready` at most once: only when it has work and nothing running or backing off.
      if (!conv.busy && conv.events.length === 1) {
        ready.push(conv);
        schedule();
      }
    },
    /** Dead-letters an event without running it (SQLite: one that died with its process too often). */
    reject(item: QueuedEvent, reason: string) {
      deadLetter(item, new Error(reason));
    },
    get stopped() {
      return stopped;
    },
    start(w: EventWorker) {
      if (worker) throw new BotyardError('QUEUE_STARTED', 'The event queue already has a worker; call start() once.');
      worker = w;
      schedule();
    },
    depth: () => pending,
    idle() {
      return pending === 0 ? Promise.resolve() : new Promise<void>((resolve) => drainWaiters.push(resolve));
    },
    async stop(timeoutMs: number) {
      stopped = true;
      for (const timer of retryTimers) clearTimeout(timer);
      retryTimers.clear();
      if (active === 0) return;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => idleWaiters.push(resolve)),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs))),
      ]);
      clearTimeout(timer);
      if (active > 0) log?.warn({ inFlight: active, timeoutMs }, 'queue stopped with events still in flight');
    },
  };
}

export type LocalScheduler = ReturnType<typeof createLocalScheduler>;

export const stoppedError = (eventId: string) =>
  new BotyardError('QUEUE_STOPPED', `The event queue is stopped; event ${eventId} was not accepted. Stop intake before stopping the queue.`);
