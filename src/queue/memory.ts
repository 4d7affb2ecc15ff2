/**
 * The in-process event queue (the `memory` tier: tests and the kit). NOT durable: events accepted
 * but not yet handled are lost when the process dies. Dedupe is the ingest's job; this queue works
 * every event it is given, duplicates included. Scheduling (order, retries, dead letters) is
 * local.ts, shared with the SQLite queue; here the journal keeps dead letters in a Map.
 */
import type { Logger } from 'pino';
import { createLocalScheduler, stoppedError, type QueuedEvent } from './local.ts';
import type { DeadLetter, EventQueue } from './queue.ts';

export { conversationKey } from './local.ts';

export interface MemoryQueueOptions {
  /** Events worked at once across conversations. Default 64. */
  concurrency?: number;
  /** Tries per event before it becomes a dead letter. Default 3. */
  maxAttempts?: number;
  /** Wait before try `attempt + 1`, given the failed try's number (1-based). Default 100 ms × 2^(attempt-1). */
  backoffMs?: (attempt: number) => number;
  log?: Logger;
}

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

  return {
    async enqueue(event) {
      if (scheduler.stopped) throw stoppedError(event.id);
      scheduler.admit({ event, attempts: 0, prior: 0 });
    },
    start: (worker) => scheduler.start(worker),
    depth: async () => scheduler.depth(),
    idle: () => scheduler.idle(),
    stop: (timeoutMs = 10_000) => scheduler.stop(timeoutMs),
    async deadLetters() {
      return [...dead.values()].map((d) => d.letter);
    },
    async replay(eventId) {
      const item = dead.get(eventId);
      if (!item) return false;
      dead.delete(eventId);
      scheduler.admit({ event: item.event, attempts: 0, prior: item.prior + item.attempts });
      return true;
    },
  };
}
