/**
 * The in-process event queue (the `memory` tier: tests and the kit). NOT durable: events accepted
 * but not yet handled are lost when the process dies. Dedupe is the ingest's job; `enqueue` works
 * every event it is given, duplicates included (`acceptOnce`, beside a memory store, dedupes for ingest). Scheduling (order, retries, dead letters) is
 * local.ts, shared with the SQLite queue; here the journal keeps dead letters in a Map.
 */
import type { Logger } from 'pino';
import type { InboundEvent } from '../adapters/adapter.ts';
import { memoryMarksOf } from '../state/memory.ts';
import type { StateStore } from '../state/store.ts';
import { createLocalScheduler, stoppedError, type QueuedEvent } from './local.ts';
import type { AcceptOptions, DeadLetter, EventQueue } from './queue.ts';

export { conversationKey } from './local.ts';

export interface MemoryQueueOptions {
  /** Events worked at once across conversations. Default 64. */
  concurrency?: number;
  /** Tries per event before it becomes a dead letter. Default 3. */
  maxAttempts?: number;
  /** Wait before try `attempt + 1`, given the failed try's number (1-based). Default 100 ms × 2^(attempt-1). */
  backoffMs?: (attempt: number) => number;
  log?: Logger;
  /**
   * The state store beside this queue. A memory store's dedupe marks are synchronous (`memoryMarksOf`), so
   * with one the queue has `acceptOnce`: mark and admit in one synchronous step, which in one process is
   * exactly what ingest's claim → enqueue → mark amounts to, without its three awaits.
   */
  store?: StateStore;
}

const ACCEPTED = Promise.resolve('accepted' as const);
const DUPLICATE = Promise.resolve('duplicate' as const);

export function createMemoryQueue(options: MemoryQueueOptions = {}): EventQueue {
  const dead = new Map<string, QueuedEvent & { letter: DeadLetter }>();
  const scheduler = createLocalScheduler({
    concurrency: options.concurrency ?? 64,
    maxAttempts: options.maxAttempts ?? 3,
    backoffMs: options.backoffMs ?? ((attempt: number) => 100 * 2 ** (attempt - 1)),
    ...(options.log ? { log: options.log } : {}),
    journal: {
      started() {},
      finished() {},
      deadLettered: (item, letter) => void dead.set(item.event.id, { ...item, letter }),
    },
  });

  const marks = options.store && memoryMarksOf(options.store);
  return {
    async enqueue(event) {
      if (scheduler.stopped) throw stoppedError(event.id);
      scheduler.admit({ event, attempts: 0, prior: 0 });
    },
    // Synchronous from the mark to the admit: no delivery of the same event can slip in between, and a
    // stopped queue rejects before marking, so a rejection leaves neither mark nor event (the contract).
    // Answers with two promises made once (a settled promise can be awaited any number of times), not a
    // new one per webhook.
    ...(marks ? {
      acceptOnce(event: InboundEvent, { dedupeKey, dedupeTtlMs }: AcceptOptions) {
        if (scheduler.stopped) return Promise.reject(stoppedError(event.id));
        if (!marks.setIfNotExists(dedupeKey, 'queued', dedupeTtlMs)) return DUPLICATE;
        scheduler.admit({ event, attempts: 0, prior: 0 });
        return ACCEPTED;
      },
    } : {}),
    start: (worker) => scheduler.start(worker),
    depth: async () => scheduler.depth(),
    idle: () => scheduler.idle(),
    stop: (timeoutMs = 10_000) => scheduler.stop(timeoutMs),
    async deadLetters() {
      return [...dead.values()].map((d) => d.letter);
    },
    deadLetterCount: async () => dead.size,
    async replay(eventId) {
      const item = dead.get(eventId);
      if (!item) return false;
      dead.delete(eventId);
      scheduler.admit({ event: item.event, attempts: 0, prior: item.prior + item.attempts });
      return true;
    },
  };
}
