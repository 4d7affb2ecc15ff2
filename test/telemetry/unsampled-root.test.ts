/** UnsampledRootContext stands for `trace.setSpan(ROOT_CONTEXT, span)` wherever the API reads or extends it. */
import { createContextKey, ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { expect, it } from 'vitest';
import { spanContextOf, UnsampledRootContext } from '../../src/telemetry/unsampled-root.ts';

it('reads as the API context holding its span, and extends and trims like one', () => {
  const span = trace.wrapSpanContext({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.NONE });
  const root = new UnsampledRootContext(span);
  expect(spanContextOf(root)).toBe(span.spanContext());
  expect(trace.getSpan(root)).toBe(span);
  expect(trace.getSpanContext(root)).toEqual(trace.getSpanContext(trace.setSpan(ROOT_CONTEXT, span)));
  const key = createContextKey('test key');
  const extended = root.setValue(key, 42);
  expect(extended.getValue(key)).toBe(42);
  expect(trace.getSpan(extended)).toBe(span);
  expect(root.getValue(key)).toBeUndefined();
  expect(trace.getSpan(trace.deleteSpan(root))).toBeUndefined();
  expect(spanContextOf(trace.setSpan(ROOT_CONTEXT, span))).toEqual(span.spanContext());
});
