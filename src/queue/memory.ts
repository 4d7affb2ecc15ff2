/**
 * The in-process event queue (the default without Redis). NOT durable: events accepted but not yet
 * handled are lost when the process dies. Dedupe is the ingest's job; this queue works every event
 * it is given, duplicates included.
 *
 * Shape, chosen for the webhook hot path (~8k events/s on one core):
 * - one FIFO per conversation, and one FIFO of conversations that have work and no event running;
 *   enqueue is a Map lookup and two pushes, dispatch pops heads; no scans, no per-event timers;
 * - at most one event per conversation runs at a time (order kept), up to `concurrency` overall;
 * - a throwing event is retried in place after `backoffMs(attempt)` (the only timer, and only on
 *   failure), so later events of its conversation wait behind it and order holds across retries;
 *   after `maxAttempts` it becomes a dead letter and the conversation moves on;
 * - dispatch runs on a setImmediate batch, so enqueue resolves (the webhook is acked) before handlers
 *   start using the CPU.
 */
import type { Logger } from 'pino';
import type { InboundEvent } from '../adapters/adapter.ts';
import { BotyardError } from '../errors.ts';
import { Fifo } from './fifo.ts';
import type { DeadLetter, EventQueue, EventWorker } from './queue.ts';

export interface MemoryQueueOptions {
  /** Events worked at once across conversations. Default 64. */
  concurrency?: number;
  /** Tries per event before it becomes a dead letter. Default 3. */
  maxAttempts?: number;
  /** Wait before try `attempt + 1`, given the failed try's number (1-based). Default 100 ms × 2^(attempt-1). */
  backoffMs?: (attempt: number) => number;
  log?: Logger;
}

interface Pending {
  event: InboundEvent;
  attempts: number;
}

interface Conversation {
  key: string;
  events: Fifo<Pending>;
  /** An event of this conversation is running or waiting out its backoff. */
  busy: boolean;
}

export const conversationKey = (event: InboundEvent) => `${event.conversation.platform}:${event.conversation.id}`;

export function createMemoryQueue(options: MemoryQueueOptions = {}): EventQueue {
  const concurrency = Math.max(1, options.concurrency ?? 64);
  const maxAttempts = Math.max(1, options.maxAttempts ?? 3);
  const backoffMs = options.backoffMs ?? ((attempt: number) => 100 * 2 ** (attempt - 1));
  const log = options.log;

  const conversations = new Map<string, Conversation>();
  const ready = new Fifo<Conversation>();
  const dead = new Map<string, DeadLetter>();
  const retryTimers = new Set<NodeJS.Timeout>();
  let worker: EventWorker | undefined;
  let pending = 0; // accepted and not yet finished (done or dead-lettered)
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

  const run = async (conv: Conversation, item: Pending) => {
    item.attempts++;
    let failure: unknown;
    let failed = false;
    try {
      await worker!(item.event, { attempt: item.attempts });
    } catch (err) {
      failed = true;
      failure = err;
    }
    active--;
    if (!failed) {
      finish(conv);
    } else if (item.attempts < maxAttempts) {
      // Stopping: the event stays queued (and, in memory, is lost with the process) rather than dead-lettered.
      if (stopped) return settle();
      const wait = backoffMs(item.attempts);
      log?.warn({ err: failure, eventId: item.event.id, conversation: conv.key, attempt: item.attempts, retryInMs: wait }, 'event failed; retrying');
      const timer = setTimeout(() => {
        retryTimers.delete(timer);
        ready.push(conv);
        schedule();
      }, wait);
      retryTimers.add(timer);
    } else {
      const error = failure instanceof Error ? failure.stack ?? failure.message : String(failure);
      dead.set(item.event.id, { event: item.event, error, attempts: item.attempts, failedAt: new Date().toISOString() });
      log?.error({ err: failure, eventId: item.event.id, conversation: conv.key, attempts: item.attempts }, 'event dead-lettered');
      finish(conv);
    }
    settle();
  };

  const settle = () => {
    if (active === 0 && idleWaiters.length) {
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
    schedule();
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

  const accept = (event: InboundEvent) => {
    const key = conversationKey(event);
    let conv = conversations.get(key);
    if (!conv) {
      conv = { key, events: new Fifo(), busy: false };
      conversations.set(key, conv);
    }
    conv.events.push({ event, attempts: 0 });
    pending++;
    // A conversation is in `ready` at most once: only when it has work and nothing running or backing off.
    if (!conv.busy && conv.events.length === 1) ready.push(conv);
    schedule();
  };

  return {
    async enqueue(event) {
      if (stopped) throw new BotyardError('QUEUE_STOPPED', `The event queue is stopped; event ${event.id} was not accepted. Stop intake before stopping the queue.`);
      accept(event);
    },
    start(w) {
      if (worker) throw new BotyardError('QUEUE_STARTED', 'The event queue already has a worker; call start() once.');
      worker = w;
      schedule();
    },
    async depth() {
      return pending;
    },
    idle() {
      return pending === 0 ? Promise.resolve() : new Promise<void>((resolve) => drainWaiters.push(resolve));
    },
    async stop(timeoutMs = 10_000) {
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
    async deadLetters() {
      return [...dead.values()];
    },
    deadLetterCount: async () => dead.size,
    async replay(eventId) {
      const letter = dead.get(eventId);
      if (!letter) return false;
      dead.delete(eventId);
      accept(letter.event);
      return true;
    },
  };
}
