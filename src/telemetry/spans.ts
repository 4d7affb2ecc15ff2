/**
 * The tracing hooks the runtime calls, one per step of an event's path:
 *
 *   POST /webhooks/<platform> (or "acs poll")
 *     └ ingest <type>                       sets event.trace: the context travels with the event
 *         ├ queue wait                      accepted → dispatched, per attempt's first try
 *         └ handler <bot>/<handler>         one per handler run, attempt and instance
 *             └ <platform> <kind>           one per outbound call (its retries are events on it)
 *   schedule <bot>/<name>, timer <bot>/<name>: root spans (runRoot)
 *
 * Off (the default) every hook is a plain call of its function: one boolean test, nothing allocated.
 * Only @opentelemetry/api is imported here; the SDK loads in setup.ts when tracing is turned on.
 */
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span } from '@opentelemetry/api';
import type { InboundEvent } from '../adapters/adapter.ts';

let on = false;

/** Called by setup.ts; tests turn it off again. */
export function setTracing(enabled: boolean): void {
  on = enabled;
}

export const tracingOn = () => on;

const tracer = () => trace.getTracer('botyard');

/** Runs `fn` inside a span that ends when it settles; a throw marks the span as failed. */
function within<T>(span: Span, parent: Context, fn: () => T | Promise<T>): Promise<T> {
  return context.with(trace.setSpan(parent, span), async () => {
    try {
      return await fn();
    } catch (error) {
      fail(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

function fail(span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
}

const eventAttributes = (event: InboundEvent): Attributes => ({
  'botyard.event.id': event.id,
  'botyard.event.type': event.type,
  'botyard.platform': event.platform,
  'botyard.conversation': `${event.conversation.platform}:${event.conversation.id}`,
});

/** The server span of one webhook delivery; `status()` reads the answer's status once known. */
export function traceWebhook<T>(platform: string, path: string, fn: () => Promise<T>, status: (result: T) => number | undefined): Promise<T> {
  if (!on) return fn();
  const span = tracer().startSpan(`POST ${path}`, {
    kind: SpanKind.SERVER,
    attributes: { 'http.request.method': 'POST', 'url.path': path, 'botyard.platform': platform },
  });
  return within(span, context.active(), async () => {
    const result = await fn();
    const code = status(result);
    if (code !== undefined) {
      span.setAttribute('http.response.status_code', code);
      if (code >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    }
    return result;
  });
}

/**
 * A poll cycle's span, opened lazily at its first event (start time backdated to the cycle's start),
 * so the one-per-second cycles that find nothing leave no trace. `run` wraps each delivery.
 */
export function pollCycle(name: string, startedAt: number) {
  let span: Span | undefined;
  return {
    run<T>(fn: () => Promise<T>): Promise<T> {
      if (!on) return fn();
      span ??= tracer().startSpan(name, { kind: SpanKind.CONSUMER, startTime: startedAt, attributes: { 'botyard.source': 'poll' } });
      const active = span;
      return context.with(trace.setSpan(context.active(), active), fn);
    },
    end(events: number): void {
      span?.setAttribute('botyard.poll.events', events);
      span?.end();
    },
  };
}

/** The ingest span; stamps `event.trace` so the queue carries the context to whoever works the event. */
export function traceIngest<T extends string>(event: InboundEvent, fn: () => Promise<T>): Promise<T> {
  if (!on) return fn();
  const span = tracer().startSpan(`ingest ${event.type}`, { kind: SpanKind.PRODUCER, attributes: eventAttributes(event) });
  const active = trace.setSpan(context.active(), span);
  const carrier: Record<string, string> = {};
  propagation.inject(active, carrier);
  if (carrier.traceparent) event.trace = { traceparent: carrier.traceparent, ...(carrier.tracestate ? { tracestate: carrier.tracestate } : {}), acceptedAt: Date.now() };
  return within(span, context.active(), async () => {
    const outcome = await fn();
    span.setAttribute('botyard.ingest.outcome', outcome);
    return outcome;
  });
}

/** The context an event carries (its ingest span), or the active one when it carries none. */
function eventContext(event: InboundEvent): Context {
  if (!event.trace) return context.active();
  return propagation.extract(ROOT_CONTEXT, { traceparent: event.trace.traceparent, ...(event.trace.tracestate ? { tracestate: event.trace.tracestate } : {}) });
}

/**
 * Dispatch of one try of an event: records how long it waited in the queue (first try), then runs the
 * handlers inside the event's own trace, on whichever instance took it.
 */
export function traceDispatch<T>(event: InboundEvent, attempt: number, fn: () => Promise<T>): Promise<T> {
  if (!on) return fn();
  const parent = eventContext(event);
  if (attempt === 1 && event.trace) {
    tracer()
      .startSpan('queue wait', { kind: SpanKind.CONSUMER, startTime: event.trace.acceptedAt, attributes: eventAttributes(event) }, parent)
      .end();
  }
  return context.with(parent, fn);
}

/** One handler run. */
export function traceHandler<T>(bot: string, handler: string, event: InboundEvent, attempt: number, fn: () => T | Promise<T>): Promise<T> {
  if (!on) return Promise.resolve().then(fn);
  const span = tracer().startSpan(`handler ${bot}/${handler}`, {
    attributes: { ...eventAttributes(event), 'botyard.bot': bot, 'botyard.handler': handler, 'botyard.attempt': attempt },
  });
  return within(span, context.active(), fn);
}

/** One outbound verb, retries included (each retry is an event on the span). */
export function traceOutbound<T>(platform: string, kind: string, conversation: string, fn: (retried: (status: number | undefined, delayMs: number) => void) => Promise<T>): Promise<T> {
  if (!on) return fn(() => undefined);
  const span = tracer().startSpan(`${platform} ${kind}`, {
    kind: SpanKind.CLIENT,
    attributes: { 'botyard.platform': platform, 'botyard.call.kind': kind, 'botyard.conversation': conversation },
  });
  return within(span, context.active(), () => fn((status, delayMs) => span.addEvent('retry', { 'http.response.status_code': status ?? 0, 'botyard.retry.delay_ms': delayMs })));
}

/**
 * A root span for work no event started: a cron tick, a timer firing. For the scheduler and the timers:
 * `runRoot('timer', { bot, name }, () => fire())`.
 */
export function runRoot<T>(kind: 'schedule' | 'timer', what: { bot: string; name: string; slot?: string }, fn: () => T | Promise<T>): Promise<T> {
  if (!on) return Promise.resolve().then(fn);
  const span = tracer().startSpan(`${kind} ${what.bot}/${what.name}`, {
    root: true,
    attributes: { 'botyard.bot': what.bot, [`botyard.${kind}`]: what.name, ...(what.slot ? { 'botyard.slot': what.slot } : {}) },
  });
  return within(span, ROOT_CONTEXT, fn);
}

/** Trace and span id of the active span, for log lines (`trace_id`, `span_id`, as OpenTelemetry's log correlation names them). */
export function logFields(): Record<string, string> {
  if (!on) return {};
  const span = trace.getSpan(context.active());
  if (!span) return {};
  const { traceId, spanId } = span.spanContext();
  return { trace_id: traceId, span_id: spanId };
}
