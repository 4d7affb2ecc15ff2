/**
 * The context of a root span that is not recorded (spans.ts `startRoot`): the span and nothing more, so
 * the hooks that follow an unsampled event (ingest's carrier, the handler and outbound checks) read its
 * ids without the API's own context object, a Map copy and three closures per webhook, most of what an
 * unsampled event's context cost. Anything else that asks it for a value gets the API's context, made on
 * first use: it behaves as `trace.setSpan(ROOT_CONTEXT, span)` does.
 */
import { ROOT_CONTEXT, trace, type Context, type Span, type SpanContext } from '@opentelemetry/api';

export class UnsampledRootContext implements Context {
  private full: Context | undefined;

  constructor(readonly span: Span) {}

  private context(): Context {
    return (this.full ??= trace.setSpan(ROOT_CONTEXT, this.span));
  }

  getValue(key: symbol): unknown {
    return this.context().getValue(key);
  }

  setValue(key: symbol, value: unknown): Context {
    return this.context().setValue(key, value);
  }

  deleteValue(key: symbol): Context {
    return this.context().deleteValue(key);
  }
}

/** The span context `context` carries (read straight from an unsampled root's span). */
export function spanContextOf(context: Context): SpanContext | undefined {
  return context instanceof UnsampledRootContext ? context.span.spanContext() : trace.getSpanContext(context);
}
