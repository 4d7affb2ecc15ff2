/**
 * The capped sampler (botyard's default root sampler): at most N new traces a second, refilled with the
 * clock, only of those its inner sampler records, and the same answer for the trace id it just recorded
 * (the SDK asks again for the root spans.ts already decided).
 */
import { ROOT_CONTEXT, SpanKind } from '@opentelemetry/api';
import { AlwaysOffSampler, AlwaysOnSampler, SamplingDecision, TraceIdRatioBasedSampler, type Sampler } from '@opentelemetry/sdk-trace';
import { expect, it } from 'vitest';
import { CappedSampler } from '../../src/telemetry/capped-sampler.ts';
import { randomTraceId } from '../../src/telemetry/ids.ts';

const ask = (sampler: Sampler, traceId = randomTraceId()) => sampler.shouldSample(ROOT_CONTEXT, traceId, 'POST /webhooks/stream', SpanKind.SERVER, {}, []).decision;
const recorded = (sampler: Sampler, times: number) => Array.from({ length: times }, () => ask(sampler)).filter((d) => d === SamplingDecision.RECORD_AND_SAMPLED).length;

it('records at most its cap in a second, then as many as the clock refills', () => {
  let now = 0;
  const sampler = new CappedSampler(new AlwaysOnSampler(), 10, undefined, () => now);
  expect(recorded(sampler, 100)).toBe(10);
  now += 500; // half a second: five more
  expect(recorded(sampler, 100)).toBe(5);
  now += 100_000; // a long quiet spell refills one second's worth, no more
  expect(recorded(sampler, 100)).toBe(10);
  now += 1000;
  expect(recorded(sampler, 3)).toBe(3);
});

it('records only what its inner sampler records, and spends nothing on what that one drops', () => {
  let now = 0;
  const off = new CappedSampler(new AlwaysOffSampler(), 5, undefined, () => now);
  expect(recorded(off, 50)).toBe(0);
  // A ratio of one half under a cap of 5: the cap holds, and the ones recorded are ones the ratio records.
  const ratio = new TraceIdRatioBasedSampler(0.5);
  const capped = new CappedSampler(ratio, 5, undefined, () => now);
  const ids = Array.from({ length: 200 }, () => randomTraceId());
  const taken = ids.filter((id) => ask(capped, id) === SamplingDecision.RECORD_AND_SAMPLED);
  expect(taken).toHaveLength(5);
  for (const id of taken) expect(ask(ratio, id)).toBe(SamplingDecision.RECORD_AND_SAMPLED);
});

it('answers the same for the trace id it just recorded, without taking another of its cap', () => {
  const now = 0;
  const sampler = new CappedSampler(new AlwaysOnSampler(), 2, undefined, () => now);
  const first = randomTraceId();
  expect(ask(sampler, first)).toBe(SamplingDecision.RECORD_AND_SAMPLED);
  expect(ask(sampler, first)).toBe(SamplingDecision.RECORD_AND_SAMPLED);
  expect(ask(sampler, first)).toBe(SamplingDecision.RECORD_AND_SAMPLED);
  // One of two spent: one more new trace, then none.
  expect(recorded(sampler, 10)).toBe(1);
  expect(String(sampler)).toContain('at most 2 a second');
});

it('says once that the cap left a trace unrecorded, the first time it does', () => {
  let now = 0;
  let said = 0;
  const sampler = new CappedSampler(new AlwaysOnSampler(), 3, () => said++, () => now);
  expect(recorded(sampler, 3)).toBe(3);
  expect(said).toBe(0);
  expect(recorded(sampler, 10)).toBe(0);
  now += 5000;
  expect(recorded(sampler, 10)).toBe(3);
  expect(said).toBe(1);
});
