/**
 * The tracing hooks the runtime calls, one per step of an event's path:
 *
 *   POST /webhooks/<platform> (or "acs poll")
 *     └ ingest <type>                       sets event.trace: the context travels with the event
 *         ├ queue wait                      accepted → dispatched (first try)
 *         └ handler <bot>/<handler>         one per handler run, try and instance
 *             └ <platform> <kind>           one per outbound call (its retries are events on it)
 *   schedule <bot>/<name>, timer <bot>/<name>: root spans (runRoot)
 *
 * Parents are passed explicitly, not through an active context: on Node 20 and 22, AsyncLocalStorage
 * (OpenTelemetry's context manager) puts a hook on every promise the process makes, which cost more
 * than the spans themselves (measured: ~15 µs per event). Where one step calls the next synchronously
 * (webhook → adapter → ingest, handler → Context verb → outbound) the parent is handed over in a slot
 * that only lives for that synchronous call (`handoff`/`takeParent`); from ingest to the handlers it
 * rides in the event. setup.ts can still install the context manager (tracing.activeContext; default on
 * Node 24+, where it is cheap) so spans a bot's own code creates nest under its handler.
 *
 * Off (the default) every hook is a plain call of its function: one boolean test, nothing allocated.
 * On, an event that is not sampled (the default sampler records a share, sampler.ts) costs two random ids,
 * one sampler decision where it enters (`startRoot`: the SDK is not asked to start a span it would drop)
 * and the traceparent it carries: every later hook sees an unsampled parent and makes no span, builds no
 * attributes and wraps nothing. Each supported sampler leaves the children of
 * an unsampled parent unsampled (parent-based ones by definition, trace-id ratio because the trace id is
 * the same), so skipping them changes nothing the backend would see.
 */
import { context, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, TraceFlags, type Context, type Span, type SpanOptions, type Tracer } from '@opentelemetry/api';
import type { InboundEvent } from '../adapters/adapter.ts';
import { eventAttributes, handlerAttributes } from './attributes.ts';
import { carriedSampled, carry, eventContext } from './event-context.ts';
import { randomSpanId, randomTraceId, withTraceId } from './ids.ts';
import { spanContextOf, UnsampledRootContext } from './unsampled-root.ts';

let on = false;
let cached: Tracer | undefined;

/**
 * Whether the provider's sampler would record a root span with this trace id (setup.ts asks the very
 * sampler the provider has, so the answer is the SDK's own).
 */
export type RootSampler = (traceId: string, name: string) => boolean;
let sampleRoot: RootSampler | undefined;

/**
 * Called by setup.ts (with the provider's sampler); tests turn it off again (and may start another
 * provider: the tracer is looked up afresh). Turned on again without a sampler, it keeps the one it had:
 * bench/ingest/hooks-off.mjs flips the hooks of a running provider off and on.
 */
export function setTracing(enabled: boolean, rootSampler?: RootSampler): void {
  on = enabled;
  cached = undefined;
  if (rootSampler) sampleRoot = rootSampler;
}

export const tracingOn = () => on;

// Looked up once per provider: getTracer builds a key string and searches a map on every call.
const tracer = () => (cached ??= trace.getTracer('botyard'));

/** A span's context, to hand to what it calls, and its ids for log lines. */
export interface SpanScope {
  context: Context;
  /** Absent when the trace is not recorded: its ids would lead nowhere in the backend. */
  logFields?: { trace_id: string; span_id: string };
}

/**
 * A root span (webhook, poll cycle, schedule tick, timer). The sampler decides on a fresh trace id
 * first, and a root it drops becomes a bare non-recording span around two random ids, without the
 * SDK's own path for a dropped span (a context copied to drop its parent, id generation, span metrics,
 * attribute sanitizing): in process, an unsampled event's tracing went from ~5-8 to ~3-6 µs
 * (bench/NOTES.md). A recorded root is started by the SDK with that same trace id (ids.ts), so its
 * sampler, asked again, decides the same: every supported sampler decides a root on its trace id alone.
 */
function startRoot(name: string, options: SpanOptions): Span {
  if (!sampleRoot) return tracer().startSpan(name, options);
  const traceId = randomTraceId();
  if (!sampleRoot(traceId, name)) return trace.wrapSpanContext({ traceId, spanId: randomSpanId(), traceFlags: TraceFlags.NONE });
  return withTraceId(traceId, () => tracer().startSpan(name, options));
}

const scopeOf = (span: Span, parent: Context): SpanScope => {
  const { traceId, spanId } = span.spanContext();
  return { context: trace.setSpan(parent, span), logFields: { trace_id: traceId, span_id: spanId } };
};

/** True when `parent` holds a span that was not sampled: nothing under it is recorded (see the header). */
function unsampled(parent: Context | undefined): boolean {
  const span = parent && spanContextOf(parent);
  return !!span && (span.traceFlags & TraceFlags.SAMPLED) === 0;
}

/**
 * Runs `fn` now with an unrecorded parent as its scope, so what it calls stays unrecorded too; also as the
 * active context, so with the context manager installed (activeContext) a bot's own spans see it as well.
 */
function quietly<T>(parent: Context, fn: (scope: SpanScope) => T | Promise<T>): Promise<T> {
  try {
    return Promise.resolve(context.with(parent, () => fn({ context: parent })));
  } catch (error) {
    return Promise.reject(error);
  }
}

let pending: Context | undefined;

/** Runs `fn` (synchronously) with `parent` as the parent of the spans it starts before its first await. */
export function handoff<T>(parent: Context | SpanScope | undefined, fn: () => T): T {
  if (!on || !parent) return fn();
  const before = pending;
  pending = 'context' in parent ? parent.context : parent;
  try {
    return fn();
  } finally {
    pending = before;
  }
}

/** The parent handed over to this synchronous call, else the active context. Read it before any await. */
export function takeParent(): Context | undefined {
  if (!on) return undefined;
  return pending ?? context.active();
}

/** For adapters that deliver after an await: captures the parent now, re-hands it over for each delivery. */
export function keepParent(): <T>(fn: () => T) => T {
  const parent = takeParent();
  return (fn) => handoff(parent, fn);
}

/**
 * `fn` with no span, called now (not a microtask later): a handler's first synchronous slice must run
 * inside its run's call, where containment times it to name a bot that blocks the loop.
 */
function untraced<T>(fn: (scope: undefined) => T | Promise<T>): Promise<T> {
  try {
    return Promise.resolve(fn(undefined));
  } catch (error) {
    return Promise.reject(error);
  }
}

/** Runs `fn` inside a span that ends when it settles; a throw marks the span as failed. */
function within<T>(span: Span, parent: Context, fn: (scope: SpanScope) => T | Promise<T>): Promise<T> {
  const scope = scopeOf(span, parent);
  return context.with(scope.context, () => {
    let result: T | Promise<T>;
    try {
      result = fn(scope);
    } catch (error) {
      fail(span, error);
      span.end();
      return Promise.reject(error);
    }
    return Promise.resolve(result).then(
      (value) => {
        span.end();
        return value;
      },
      (error: unknown) => {
        fail(span, error);
        span.end();
        throw error;
      },
    );
  });
}

function fail(span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
}

/** The server span of one webhook delivery (POST, or the CloudEvents OPTIONS handshake); hand its scope to the adapter call with `handoff`. */
export function traceWebhook(platform: string, method: string, path: string, fn: (scope: SpanScope | undefined) => Promise<number>): Promise<number> {
  if (!on) return fn(undefined);
  // Attributes are set after the sampler's decision, so an unsampled delivery never builds them.
  const span = startRoot(`${method} ${path}`, { kind: SpanKind.SERVER, root: true });
  if (!span.isRecording()) return fn({ context: new UnsampledRootContext(span) });
  span.setAttributes({ 'http.request.method': method, 'url.path': path, 'botyard.platform': platform });
  return within(span, ROOT_CONTEXT, async (scope) => {
    const status = await fn(scope);
    span.setAttribute('http.response.status_code', status);
    if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    return status;
  });
}

/**
 * A poll cycle's span, opened lazily at its first event (start time backdated to the cycle's start),
 * so the one-per-second cycles that find nothing leave no trace. `run` wraps each delivery.
 */
export function pollCycle(name: string, startedAt: number) {
  let span: Span | undefined;
  return {
    run<T>(fn: () => T): T {
      if (!on) return fn();
      span ??= startRoot(name, { kind: SpanKind.CONSUMER, startTime: startedAt, root: true, attributes: { 'botyard.source': 'poll' } });
      return handoff(trace.setSpan(ROOT_CONTEXT, span), fn);
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
  const parent = takeParent() ?? ROOT_CONTEXT;
  // Not sampled: the event carries its parent's context (flags 00), so every instance skips its spans too.
  if (unsampled(parent)) return (carry(event, parent), fn());
  const span = tracer().startSpan(`ingest ${event.type}`, { kind: SpanKind.PRODUCER }, parent);
  carry(event, trace.setSpan(parent, span));
  if (!span.isRecording()) return fn();
  span.setAttributes(eventAttributes(event));
  return within(span, parent, async () => {
    const outcome = await fn();
    span.setAttribute('botyard.ingest.outcome', outcome);
    return outcome;
  });
}

/** Dispatch of one try of an event, on whichever instance took it: records how long it waited in the queue (first try). */
export function traceDispatch<T>(event: InboundEvent, attempt: number, fn: () => Promise<T>): Promise<T> {
  if (!on || attempt !== 1 || !event.trace || !carriedSampled(event.trace.traceparent)) return fn();
  const parent = eventContext(event);
  if (parent && !unsampled(parent)) {
    // Only the event id: its parent (the ingest span) carries the rest, and every attribute is exported per span.
    tracer().startSpan('queue wait', { kind: SpanKind.CONSUMER, startTime: event.trace.acceptedAt, attributes: { 'botyard.event.id': event.id } }, parent).end();
  }
  return fn();
}

/** One handler run, a child of its event's ingest span; `fn` gets the scope to hand to the Context. */
export function traceHandler<T>(bot: string, handler: string, event: InboundEvent, attempt: number, fn: (scope: SpanScope | undefined) => T | Promise<T>): Promise<T> {
  if (!on) return untraced(fn);
  const parent = eventContext(event) ?? ROOT_CONTEXT;
  if (unsampled(parent)) return quietly(parent, fn);
  const span = tracer().startSpan(`handler ${bot}/${handler}`, {}, parent);
  if (!span.isRecording()) return quietly(trace.setSpan(parent, span), fn);
  span.setAttributes(handlerAttributes(event, bot, handler, attempt));
  return within(span, parent, fn);
}

/**
 * One outbound verb, retries included (each retry is an event on the span). `parent`: takeParent() read on entry.
 * `fn` gets the retry recorder and, when the call is recorded, the span's ids for its log lines.
 */
export function traceOutbound<T>(parent: Context | undefined, platform: string, kind: string, conversation: string, fn: (retried: (status: number | undefined, delayMs: number) => void, logFields?: SpanScope['logFields']) => Promise<T>): Promise<T> {
  if (!on || unsampled(parent)) return fn(() => undefined);
  const span = tracer().startSpan(`${platform} ${kind}`, { kind: SpanKind.CLIENT }, parent);
  if (!span.isRecording()) return fn(() => undefined);
  span.setAttributes({ 'botyard.platform': platform, 'botyard.call.kind': kind, 'botyard.conversation': conversation });
  return within(span, parent ?? ROOT_CONTEXT, (scope) => fn((status, delayMs) => span.addEvent('retry', { 'http.response.status_code': status ?? 0, 'botyard.retry.delay_ms': delayMs }), scope.logFields));
}

/**
 * A root span for work no event started: a cron tick, a timer firing. For the scheduler and the timers:
 * `runRoot('timer', { bot, name }, (scope) => fire(scope))` (hand `scope` to its Context, see tracedOutbound).
 */
export function runRoot<T>(kind: 'schedule' | 'timer', what: { bot: string; name: string; slot?: string }, fn: (scope: SpanScope | undefined) => T | Promise<T>): Promise<T> {
  if (!on) return untraced(fn);
  const span = startRoot(`${kind} ${what.bot}/${what.name}`, { root: true });
  // Unsampled, its outbound calls get its context, so they are not taken for new traces of their own.
  if (!span.isRecording()) return quietly(new UnsampledRootContext(span), fn);
  span.setAttributes({ 'botyard.bot': what.bot, [`botyard.${kind}`]: what.name, ...(what.slot ? { 'botyard.slot': what.slot } : {}) });
  return within(span, ROOT_CONTEXT, fn);
}

/** Trace and span id of the active span (with the context manager installed), for the logger's mixin. */
export function logFields(): Record<string, string> {
  if (!on) return {};
  const span = trace.getSpan(context.active());
  if (!span) return {};
  const { traceId, spanId, traceFlags } = span.spanContext();
  // A trace that was sampled out is not in the backend: no id to look for there.
  return traceFlags & TraceFlags.SAMPLED ? { trace_id: traceId, span_id: spanId } : {};
}
