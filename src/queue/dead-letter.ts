/**
 * A dead letter, the same on every store: the event, why its last try failed, how many tries it had,
 * when, and the id of its trace when that trace was recorded (so an operator goes from `botyard
 * dead-letters` to the trace in one step). The memory and SQLite queues (local.ts) and the Redis one
 * (redis-attempts.ts) all make theirs here, and log it with the same fields.
 */
import type { Logger } from 'pino';
import { conversationKey, type InboundEvent } from '../adapters/adapter.ts';
import { traceLogFields } from '../telemetry/carrier.ts';
import type { DeadLetter } from './queue.ts';

/** The dead letter of `event` after `attempts` tries, logged as an error with the event's trace id. */
export function deadLetterOf(event: InboundEvent, error: unknown, attempts: number, log?: Logger): DeadLetter {
  const trace = traceLogFields(event);
  log?.error({ err: error, eventId: event.id, conversation: conversationKey(event.conversation), attempts, ...trace }, 'event dead-lettered');
  return {
    event,
    error: error instanceof Error ? error.stack ?? error.message : String(error),
    attempts,
    failedAt: new Date().toISOString(),
    ...(trace.trace_id ? { traceId: trace.trace_id } : {}),
  };
}
