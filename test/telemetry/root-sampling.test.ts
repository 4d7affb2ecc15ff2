/**
 * Root spans are sampled before the SDK is asked for them (spans.ts startRoot): the configured sampler
 * decides on the trace id the span would get, and a recorded root is started with that very id. So the
 * share recorded is the configured ratio (not its square, as two independent decisions would give), each
 * decision is the one OpenTelemetry's own sampler makes for that trace id, and every event, recorded or
 * not, carries a well-formed traceparent with a trace id of its own.
 */
import { ROOT_CONTEXT } from '@opentelemetry/api';
import { InMemorySpanExporter, SamplingDecision, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace';
import type { Logger } from 'pino';
import { afterEach, expect, it } from 'vitest';
import type { InboundEvent } from '../../src/adapters/adapter.ts';
import type { SamplerName } from '../../src/telemetry/sampler.ts';
import { startTracing, type Tracing } from '../../src/telemetry/setup.ts';
import { handoff, traceIngest, traceWebhook } from '../../src/telemetry/spans.ts';
import { logLines } from '../helpers/log-lines.ts';

let tracing: Tracing | undefined;
afterEach(async () => {
  await tracing?.shutdown();
  tracing = undefined;
});

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-0([01])$/;

/** Delivers `count` events through the webhook and ingest hooks; the events (with their carriers) and the spans recorded. */
async function deliver(sampler: SamplerName, sampleRatio: number, count: number, capped?: { maxTracesPerSecond: number; log: Logger }) {
  const exporter = new InMemorySpanExporter();
  tracing = startTracing({ exporter, simple: true, sampler, sampleRatio, ...capped });
  const events = Array.from({ length: count }, (_, i) => ({ id: `e${i}`, type: 'message.new', platform: 'stream', conversation: { platform: 'stream', id: `c${i % 10}` } }) as InboundEvent);
  for (const event of events) {
    await traceWebhook('stream', 'POST', '/webhooks/stream', (scope) => handoff(scope, () => traceIngest(event, async () => 'accepted')).then(() => 200));
  }
  await tracing.flush();
  const carried = events.map((e) => {
    const m = TRACEPARENT.exec(e.trace?.traceparent ?? '');
    expect(m, `event ${e.id} carries ${e.trace?.traceparent}`).not.toBeNull();
    return { traceId: m![1]!, sampled: m![3] === '1' };
  });
  return { carried, spans: exporter.getFinishedSpans() };
}

it('a trace-id ratio records its share of events, each exactly when OpenTelemetry\'s sampler would record that trace id', async () => {
  const { carried, spans } = await deliver('parentbased_traceidratio', 0.5, 2000);
  const sampled = carried.filter((c) => c.sampled);
  // 2,000 draws at 0.5: the share stays within 0.44-0.56 but for a 1-in-10^7 chance; 0.25 (ratio squared) is far outside.
  expect(sampled.length / carried.length).toBeGreaterThan(0.44);
  expect(sampled.length / carried.length).toBeLessThan(0.56);
  const sdk = new TraceIdRatioBasedSampler(0.5);
  for (const c of carried) expect(sdk.shouldSample(ROOT_CONTEXT, c.traceId).decision === SamplingDecision.RECORD_AND_SAMPLED).toBe(c.sampled);
  // The recorded webhook spans are the sampled events' traces, each with its ingest span.
  const roots = spans.filter((s) => s.name === 'POST /webhooks/stream').map((s) => s.spanContext().traceId);
  expect(new Set(roots)).toEqual(new Set(sampled.map((c) => c.traceId)));
  expect(spans.filter((s) => s.name === 'ingest message.new')).toHaveLength(sampled.length);
  // Unsampled or not, every event has a trace id of its own.
  expect(new Set(carried.map((c) => c.traceId)).size).toBe(carried.length);
});

it('always_on records every event and always_off none, each still carrying its context', async () => {
  const on = await deliver('always_on', 1, 50);
  expect(on.carried.every((c) => c.sampled)).toBe(true);
  expect(on.spans.filter((s) => s.name === 'POST /webhooks/stream')).toHaveLength(50);
  await tracing!.shutdown();
  const off = await deliver('parentbased_always_off', 0, 50);
  expect(off.carried.some((c) => c.sampled)).toBe(false);
  expect(off.spans).toHaveLength(0);
});

it('the default cap records the first events of a burst whole and leaves the rest unrecorded, each still carrying its context', async () => {
  const started = performance.now();
  const { log, lines } = logLines<{ msg: string; maxTracesPerSecond?: number }>('info');
  const { carried, spans } = await deliver('parentbased_traceidratio', 1, 200, { maxTracesPerSecond: 5, log });
  const seconds = (performance.now() - started) / 1000;
  console.log(`[cap] 200 events delivered in ${(seconds * 1000).toFixed(0)} ms`);
  const sampled = carried.filter((c) => c.sampled);
  // Five at once, then five a second: however slow the machine, far fewer than 200.
  expect(sampled.length).toBeGreaterThanOrEqual(5);
  expect(sampled.length).toBeLessThanOrEqual(5 + Math.ceil(seconds * 5));
  expect(carried.slice(0, 5).every((c) => c.sampled)).toBe(true);
  // Each recorded trace is whole: its webhook span and its ingest span, nothing for the others.
  const byTrace = new Map<string, typeof spans>();
  for (const span of spans) byTrace.set(span.spanContext().traceId, [...(byTrace.get(span.spanContext().traceId) ?? []), span]);
  expect(new Set(byTrace.keys())).toEqual(new Set(sampled.map((c) => c.traceId)));
  for (const [, trace] of byTrace) expect(trace.map((s) => s.name).sort()).toEqual(['POST /webhooks/stream', 'ingest message.new']);
  expect(new Set(carried.map((c) => c.traceId)).size).toBe(carried.length);
  // Said once, naming the setting.
  expect(lines.filter((l) => l.msg.includes('new traces a second'))).toEqual([expect.objectContaining({ maxTracesPerSecond: 5, msg: expect.stringContaining('tracing.maxTracesPerSecond') })]);
});
