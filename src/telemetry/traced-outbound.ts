/**
 * The Outbound a handler's Context uses when tracing is on: each verb's span becomes a child of the
 * handler's (or schedule tick's) span, handed over synchronously (spans.ts explains why not through an
 * active context).
 */
import type { Outbound } from '../outbound/outbound.ts';
import { handoff, type SpanScope } from './spans.ts';

export function tracedOutbound(outbound: Outbound, scope: SpanScope | undefined): Outbound {
  if (!scope) return outbound;
  return {
    run: (adapter, kind, conversation, fn, options) => handoff(scope, () => outbound.run(adapter, kind, conversation, fn, options)),
    close: () => outbound.close(),
  };
}
