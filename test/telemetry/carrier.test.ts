/** The trace id an event carries, for dead letters and log lines: only when its trace was recorded. */
import { expect, it } from 'vitest';
import { traceIdOf } from '../../src/telemetry/carrier.ts';

const id = '4bf92f3577b34da6a3ce929d0e0e4736';
const carrying = (traceparent: string) => ({ trace: { traceparent, acceptedAt: 0 } });

it('names the trace of a sampled event, and none for an unsampled or malformed one (that id leads nowhere in the backend)', () => {
  expect(traceIdOf(carrying(`00-${id}-00f067aa0ba902b7-01`))).toBe(id);
  expect(traceIdOf(carrying(`00-${id}-00f067aa0ba902b7-03`))).toBe(id);
  expect(traceIdOf(carrying(`00-${id}-00f067aa0ba902b7-00`))).toBeUndefined();
  expect(traceIdOf(carrying('00-xyz-00f067aa0ba902b7-01'))).toBeUndefined();
  expect(traceIdOf({})).toBeUndefined();
});
