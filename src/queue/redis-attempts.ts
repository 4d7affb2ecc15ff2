/**
 * The tries of one event at the head of a claimed conversation (redis-worker.ts): run it; on failure
 * record the try in Redis before the backoff (so a crash meanwhile does not reset the count) and run it
 * again, until it succeeds, has used `maxAttempts`, or the worker must let go of it.
 */
import type { InboundEvent } from '../adapters/adapter.ts';
import type { Logger } from 'pino';
import { traceLogFields } from '../telemetry/carrier.ts';
import type { DeadLetter, EventWorker } from './queue.ts';
import { deadLetterOf } from './dead-letter.ts';
import type { Item } from './redis-replies.ts';

export interface AttemptOptions {
  handle: EventWorker;
  maxAttempts: number;
  /** Crashes the event may have caused before it is dead-lettered without running. */
  maxStalledCount: number;
  backoffMs: number;
  log?: Logger;
  /** Writes a failed try to Redis; false when the conversation is no longer ours. */
  recordFailure(): Promise<boolean>;
  /** True once the worker stops or lost the conversation: start nothing more. */
  halted(): boolean;
  /** Waits out a retry's backoff (stop() may cut it short). */
  sleep(ms: number): Promise<void>;
}

/**
 * What became of the head event: 'done' (ran, or its JSON is gone), a dead letter, or 'halted' (the try
 * is recorded; whoever claims the conversation next runs it again).
 */
export async function attemptEvent(event: InboundEvent | undefined, item: Item, o: AttemptOptions): Promise<'done' | 'halted' | DeadLetter> {
  if (!event) return 'done';
  if (item.stalls > o.maxStalledCount) {
    return deadLetterOf(event, new Error(`stalled ${item.stalls} time(s), more than maxStalledCount (${o.maxStalledCount}): its instance died while working it`), item.tries + item.stalls, o.log);
  }
  for (;;) {
    const attempt = 1 + item.tries + item.stalls;
    try {
      await o.handle(event, { attempt });
      return 'done';
    } catch (err) {
      if (item.tries + 1 >= o.maxAttempts) return deadLetterOf(event, err, attempt, o.log);
      o.log?.warn({ err, eventId: event.id, attempt, ...traceLogFields(event) }, 'event failed; retrying');
      if (!(await o.recordFailure())) return 'halted';
      item.tries++;
    }
    if (o.halted()) return 'halted';
    await o.sleep(o.backoffMs * 2 ** (item.tries - 1));
    if (o.halted()) return 'halted';
  }
}
