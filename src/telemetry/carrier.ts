/**
 * The trace context an event carries through the queue (`InboundEvent.trace`). Free of OpenTelemetry
 * imports, so queues and the CLI can read it without loading the SDK.
 */
import type { InboundEvent } from '../adapters/adapter.ts';

/**
 * `00-<trace id>-<span id>-<flags>` → the trace id; undefined without a (well-formed) traceparent, and
 * for an event whose trace was not sampled (flags bit 0 clear): that id leads nowhere in the backend.
 */
export function traceIdOf(event: Pick<InboundEvent, 'trace'>): string | undefined {
  const parent = event.trace?.traceparent;
  if (!parent) return undefined;
  const [, id, , flags] = parent.split('-');
  if ((parseInt(flags ?? '', 16) & 1) !== 1) return undefined;
  return id && /^[0-9a-f]{32}$/.test(id) ? id : undefined;
}

/**
 * `{ trace_id }` for a log line about `event` (a failure, a retry, a dead letter), when its trace was
 * recorded: the field every botyard log line about an event uses, so one search finds them all.
 */
export function traceLogFields(event: Pick<InboundEvent, 'trace'>): { trace_id?: string } {
  const id = traceIdOf(event);
  return id ? { trace_id: id } : {};
}
