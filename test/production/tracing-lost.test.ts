/**
 * A real `botyard start` tracing to a collector that refuses its key (401, as a hosted backend answers a
 * wrong or missing OTEL_EXPORTER_OTLP_HEADERS key): the events are answered as usual, the log says once
 * that spans are being lost and where to look, and /metrics counts them. Before this, the SDK's only
 * report went to its diagnostic logger, which nothing had set: the traces were lost without a word.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cleanupConfigs, killAll, startBotyard, writeConfig, type BotyardProcess } from '../helpers/botyard-process.ts';
import { waitFor } from '../helpers/wait.ts';
import { deliver, startStreamWorld, type StreamWorld } from './stream-kit.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
let exports = 0;
const collector = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    exports++;
    res.writeHead(401, { 'content-type': 'application/x-protobuf' }).end();
  });
});
let world: StreamWorld;
let p: BotyardProcess;
let endpoint = '';

beforeAll(async () => {
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
  world = await startStreamWorld();
  const config = writeConfig({ botsDir: path.join(here, 'fixtures/echo-bots'), store: { kind: 'memory' } });
  p = await startBotyard({
    config,
    // Every event recorded, and batches sent 50 ms after they start rather than the SDK's 5 s.
    env: { ...world.env, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_TRACES_SAMPLER: 'parentbased_always_on', OTEL_BSP_SCHEDULE_DELAY: '50' },
  });
}, 180_000);

afterAll(async () => {
  await killAll();
  await world?.close();
  await new Promise<void>((resolve) => collector.close(() => resolve()));
  cleanupConfigs();
});

it('a collector refusing the export: events answered, one warning naming the URL and the fix, the loss in /metrics', async () => {
  const t0 = performance.now();
  const items = await world.seed('traced', 2, 3);
  for (const item of items) expect(await deliver(world, p.url, item)).toBe(200);
  await waitFor(() => world.answered(items) === items.length, { timeoutMs: 30_000, what: 'every event answered' });

  const warning = await waitFor(() => p.logs().find((l) => typeof l.msg === 'string' && l.msg.startsWith('tracing: the collector did not take')), { timeoutMs: 30_000, what: 'the lost-spans warning' });
  console.log(`[tracing lost] events answered and the warning logged ${Math.round(performance.now() - t0)} ms after seeding`);
  expect(warning.url).toBe(`${endpoint}/v1/traces`);
  expect(String(warning.msg)).toContain('OTEL_EXPORTER_OTLP_HEADERS');
  const failed = await waitFor(async () => (await p.metrics()).sum('botyard_trace_spans_total', { outcome: 'export_failed' }) || undefined, { timeoutMs: 30_000, what: 'export_failed counted' });
  expect(failed).toBeGreaterThan(0);
  expect((await p.metrics()).sum('botyard_trace_spans_total', { outcome: 'exported' })).toBe(0);

  // More failures in the same minute add to the count, not to the log.
  const more = await world.seed('traced-more', 1, 2);
  for (const item of more) expect(await deliver(world, p.url, item)).toBe(200);
  const seen = exports;
  await waitFor(() => exports > seen, { timeoutMs: 30_000, what: 'another export refused' });
  await waitFor(async () => (await p.metrics()).sum('botyard_trace_spans_total', { outcome: 'export_failed' }) > failed || undefined, { timeoutMs: 30_000, what: 'the later failure counted' });
  expect(p.logs().filter((l) => typeof l.msg === 'string' && l.msg.startsWith('tracing: ')).map((l) => l.msg)).toHaveLength(1);
}, 120_000);
