/**
 * How an event carries its trace context from ingest to dispatch: as a W3C traceparent in
 * `event.trace` (which the Redis and SQLite queues store with the event, so a retry on another
 * instance continues the trace), and as the live context when the event never leaves this process.
 */
import { propagation, ROOT_CONTEXT, TraceFlags, type Context } from '@opentelemetry/api';
import type { InboundEvent } from '../adapters/adapter.ts';
import { spanContextOf } from './unsampled-root.ts';

/**
 * The ingest context of an event that stays in this process (memory queue), so no traceparent is parsed
 * back. A symbol key: JSON (the Redis queue) leaves it behind, and unlike a WeakMap it costs the garbage
 * collector nothing extra per event.
 */
const LOCAL_PARENT = Symbol('botyard.traceParent');
type WithParent = InboundEvent & { [LOCAL_PARENT]?: Context };

/** Stamps `event.trace` (for the queue) and the in-process parent (for a memory queue) with `context`. */
export function carry(event: InboundEvent, context: Context): void {
  const unrecorded = spanContextOf(context);
  if (unrecorded && unrecorded.traceFlags === TraceFlags.NONE && !unrecorded.traceState) {
    // Not sampled (startRoot's ids are valid): the traceparent the W3C propagator would write, without its checks.
    event.trace = { traceparent: `00-${unrecorded.traceId}-${unrecorded.spanId}-00`, acceptedAt: Date.now() };
  } else {
    const carrier: Record<string, string> = {};
    propagation.inject(context, carrier);
    if (carrier.traceparent) event.trace = { traceparent: carrier.traceparent, ...(carrier.tracestate ? { tracestate: carrier.tracestate } : {}), acceptedAt: Date.now() };
  }
  (event as WithParent)[LOCAL_PARENT] = context;
}

/** False when the event's traceparent says it was not sampled (its last field, the flags, has bit 0 clear). */
export const carriedSampled = (traceparent: string) => (parseInt(traceparent.slice(-2), 16) & TraceFlags.SAMPLED) !== 0;

/** The context an event carries (its ingest span); undefined when it carries none. */
export function eventContext(event: InboundEvent): Context | undefined {
  const local = (event as WithParent)[LOCAL_PARENT];
  if (local) return local;
  if (!event.trace) return undefined;
  return propagation.extract(ROOT_CONTEXT, { traceparent: event.trace.traceparent, ...(event.trace.tracestate ? { tracestate: event.trace.tracestate } : {}) });
}

