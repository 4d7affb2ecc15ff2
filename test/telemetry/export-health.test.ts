/**
 * Lost traces are said, not silent: the real OTLP exporter posts to a stand-in collector over loopback
 * that refuses the key (401) and later takes the spans; the runtime's log says the first failure (naming
 * the URL and what to check), says nothing more while it lasts, and says when exports succeed again.
 * A full export queue drops spans; that is logged and counted too. /metrics has the counts.
 */
import { ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createMetrics } from '../../src/server/metrics.ts';
import { exportHealth, REPEAT_MS } from '../../src/telemetry/export-health.ts';
import { startTracing } from '../../src/telemetry/setup.ts';
import { runRoot } from '../../src/telemetry/spans.ts';
import { spanTally } from '../../src/telemetry/span-tally.ts';
import { spansOfProtobuf } from '../helpers/otlp-wire.ts';
import { logLines } from '../helpers/log-lines.ts';

let status = 401;
let taken = 0;
const collector = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    if (status === 200) taken += spansOfProtobuf(Buffer.concat(chunks)).length;
    res.writeHead(status, { 'content-type': 'application/x-protobuf' }).end();
  });
});
let url = '';
beforeAll(async () => {
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(collector.address() as AddressInfo).port}/v1/traces`;
});
afterAll(() => new Promise<void>((resolve) => collector.close(() => resolve())));

const capturedLog = () => logLines<{ level: number; msg: string; url?: string; spans?: number; lost?: number; dropped?: number }>('info');

const spans = async (n: number, name: string) => {
  for (let i = 0; i < n; i++) await runRoot('timer', { bot: 'health', name }, () => undefined);
};

/** botyard_trace_spans_total by outcome, as a scrape reads it. */
async function scraped(): Promise<Record<string, number>> {
  const metric = await createMetrics({ defaultMetrics: false }).registry.getSingleMetric('botyard_trace_spans_total')!.get();
  return Object.fromEntries(metric.values.map((v) => [String(v.labels.outcome), v.value]));
}

it('a collector refusing the spans is logged once with the URL and the fix, then its recovery; the counts reach /metrics', async () => {
  const { lines, log } = capturedLog();
  const before = { ...spanTally() };
  const tracing = startTracing({ url, log, sampler: 'parentbased_always_on' });
  try {
    status = 401;
    for (let i = 0; i < 3; i++) {
      await spans(2, `refused-${i}`);
      await tracing.flush().catch(() => undefined);
    }
    const warnings = lines.filter((l) => l.level === 40);
    expect(warnings, 'one line for three failed exports').toHaveLength(1);
    expect(warnings[0]!.msg).toContain(`check that ${url} is an OTLP/HTTP receiver`);
    expect(warnings[0]!.msg).toContain('OTEL_EXPORTER_OTLP_ENDPOINT');
    expect(warnings[0]!.url).toBe(url);

    status = 200;
    await spans(3, 'taken');
    await tracing.flush();
    expect(taken).toBe(3);
    const recovered = lines.find((l) => l.level === 30 && l.msg.includes('succeed again'));
    expect(recovered?.lost, 'the spans lost while it failed').toBe(6);
  } finally {
    await tracing.shutdown();
  }
  const after = spanTally();
  expect(after.exportFailed - before.exportFailed).toBe(6);
  expect(after.exported - before.exported).toBe(3);
  const metric = await scraped();
  expect(metric.export_failed).toBe(after.exportFailed);
  expect(metric.exported).toBe(after.exported);
});

it('spans dropped from a full export queue are logged and counted', async () => {
  const { lines, log } = capturedLog();
  status = 200;
  const before = spanTally().dropped;
  taken = 0;
  // A queue of 2 and one export at a time: of ten spans ended in a row, most find the queue full.
  const tracing = startTracing({ url, log, sampler: 'parentbased_always_on', batch: { maxQueueSize: 2 } });
  try {
    await spans(10, 'flood');
    await tracing.flush();
    // The SDK says how many it dropped when the next span finds room.
    await spans(1, 'after');
    await tracing.flush();
  } finally {
    await tracing.shutdown();
  }
  const dropped = spanTally().dropped - before;
  expect(dropped).toBeGreaterThan(0);
  expect(taken + dropped, 'every span exported or counted as dropped').toBe(11);
  const warning = lines.find((l) => l.level === 40 && l.msg.includes('spans dropped'));
  expect(warning?.dropped).toBe(dropped);
  expect(warning?.msg).toContain('sampleRatio');
  expect((await scraped()).dropped).toBe(spanTally().dropped);
});

it('while exports keep failing: one more line a minute with the spans lost since, by the clock', async () => {
  const { lines, log } = capturedLog();
  let clock = 0;
  const health = exportHealth(log, 'http://collector:4318/v1/traces', () => clock);
  try {
    const failingExporter = health.watch({ export: (_spans, done) => done({ code: ExportResultCode.FAILED, error: new Error('HTTP 401') }), shutdown: async () => undefined });
    const batch = (n: number) => new Promise<void>((resolve) => failingExporter.export(Array.from({ length: n }) as ReadableSpan[], () => resolve()));
    await batch(3);
    clock = REPEAT_MS - 1;
    await batch(4);
    expect(lines.filter((l) => l.level === 40)).toHaveLength(1);
    clock = REPEAT_MS;
    await batch(5);
    const warnings = lines.filter((l) => l.level === 40);
    expect(warnings).toHaveLength(2);
    expect(warnings[1]!.msg).toBe('tracing: exports to http://collector:4318/v1/traces still fail; 12 spans lost so far');
  } finally {
    health.close();
  }
});
