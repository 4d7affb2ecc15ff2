/**
 * Real `botyard start` processes tracing to collectors that fail. One refuses the key (401, as a hosted
 * backend answers a wrong or missing OTEL_EXPORTER_OTLP_HEADERS key): the events are answered as usual,
 * the log says once that spans are being lost and where to look, and /metrics counts them (before, the
 * SDK's only report went to its diagnostic logger, which nothing had set: traces were lost without a
 * word). One never answers: a SIGTERM still ends promptly (the exporter alone would wait out its timeout, here 60 s).
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
let hungRequests = 0;
const hung = createServer((req) => {
  hungRequests++;
  req.resume();
});
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
const config = () => writeConfig({ botsDir: path.join(here, 'fixtures/echo-bots'), store: { kind: 'memory' } });
// Every event recorded, and batches sent 50 ms after they start rather than the SDK's 5 s.
const tracedEnv = (url: string) => ({ ...world.env, OTEL_EXPORTER_OTLP_ENDPOINT: url, OTEL_TRACES_SAMPLER: 'parentbased_always_on', OTEL_BSP_SCHEDULE_DELAY: '50' });

beforeAll(async () => {
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
  world = await startStreamWorld();
  p = await startBotyard({ config: config(), env: tracedEnv(endpoint) });
}, 180_000);

afterAll(async () => {
  await killAll();
  await world?.close();
  await new Promise<void>((resolve) => collector.close(() => resolve()));
  hung.closeAllConnections();
  await new Promise<void>((resolve) => hung.close(() => resolve()));
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

it('a collector that never answers: a SIGTERM still ends promptly, saying the last spans were lost', async () => {
  // The exporter's own timeout far above the stop's 2 s bound, so a loaded machine cannot blur the two.
  const q = await startBotyard({ config: config(), env: { ...tracedEnv(`http://127.0.0.1:${(hung.address() as AddressInfo).port}`), OTEL_EXPORTER_OTLP_TIMEOUT: '60000' } });
  const items = await world.seed('hung', 1, 3);
  for (const item of items) expect(await deliver(world, q.url, item)).toBe(200);
  await waitFor(() => world.answered(items) === items.length && hungRequests > 0, { timeoutMs: 30_000, what: 'events answered, an export hanging' });
  const t0 = performance.now();
  expect((await q.stop(60_000)).code).toBe(0);
  const stopMs = Math.round(performance.now() - t0);
  console.log(`[tracing hung] SIGTERM to exit: ${stopMs} ms`);
  expect(q.logs().some((l) => String(l.msg).startsWith('tracing: the last spans were not exported within 2000 ms'))).toBe(true);
  // The stop did not wait for the exporter's 60 s.
  expect(stopMs).toBeLessThan(30_000);
}, 120_000);
