/**
 * What goes on the wire to a collector: OTLP over HTTP as binary protobuf by default (the OTLP exporter
 * spec's default, and the one encoding every OTLP/HTTP receiver must take), JSON when asked, with the
 * headers OTEL_EXPORTER_OTLP_HEADERS names (a hosted backend's API key). A real exporter posts to a
 * stand-in collector over loopback; the test reads the spans back from the bytes it received.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { tracingPlan } from '../../src/telemetry/config.ts';
import type { OtlpProtocol } from '../../src/telemetry/protocol.ts';
import { startTracing } from '../../src/telemetry/setup.ts';
import { runRoot } from '../../src/telemetry/spans.ts';
import { spansOfJson, spansOfProtobuf } from '../helpers/otlp-wire.ts';

const received: Array<{ path: string; headers: IncomingHttpHeaders; body: Buffer }> = [];
const collector = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
    res.writeHead(200, { 'content-type': String(req.headers['content-type']) }).end(req.headers['content-type'] === 'application/json' ? '{}' : '');
  });
});
let url = '';
beforeAll(async () => {
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(collector.address() as AddressInfo).port}/v1/traces`;
});
afterAll(() => new Promise<void>((resolve) => collector.close(() => resolve())));

/** One recorded root span exported with `protocol`; the request the collector received. */
async function exportOne(protocol: OtlpProtocol | undefined, name: string) {
  received.length = 0;
  const tracing = startTracing({ url, ...(protocol ? { protocol } : {}), sampler: 'parentbased_always_on' });
  let traceId = '';
  await runRoot('timer', { bot: 'wire', name }, (scope) => {
    traceId = scope?.logFields?.trace_id ?? '';
  });
  await tracing.shutdown(); // flushes: the export has been answered when this resolves
  expect(received, 'one export request').toHaveLength(1);
  return { request: received[0]!, traceId };
}

it('exports binary protobuf by default, and JSON when asked', async () => {
  const proto = await exportOne(undefined, 'default');
  expect(proto.request.path).toBe('/v1/traces');
  expect(proto.request.headers['content-type']).toBe('application/x-protobuf');
  expect(spansOfProtobuf(proto.request.body)).toEqual([{ name: 'timer wire/default', traceId: proto.traceId }]);
  expect(proto.traceId).toMatch(/^[0-9a-f]{32}$/);

  const json = await exportOne('http/json', 'json');
  expect(json.request.headers['content-type']).toBe('application/json');
  expect(spansOfJson(json.request.body)).toEqual([{ name: 'timer wire/json', traceId: json.traceId }]);
  // The same span is about 2.5 times smaller as protobuf: what the default saves per export.
  expect(proto.request.body.length).toBeLessThan(json.request.body.length);
});

it('sends the headers OTEL_EXPORTER_OTLP_HEADERS names, as the OpenTelemetry exporters do', async () => {
  process.env.OTEL_EXPORTER_OTLP_HEADERS = 'x-honeycomb-team=k3y,x-tenant=bots';
  try {
    const { request } = await exportOne('http/protobuf', 'headers');
    expect(request.headers['x-honeycomb-team']).toBe('k3y');
    expect(request.headers['x-tenant']).toBe('bots');
  } finally {
    delete process.env.OTEL_EXPORTER_OTLP_HEADERS;
  }
});

it('takes the protocol from OTEL_EXPORTER_OTLP_TRACES_PROTOCOL, then OTEL_EXPORTER_OTLP_PROTOCOL, then bot.config.ts', async () => {
  const protocol = async (env: Record<string, string>, tracing: Record<string, unknown> = {}) =>
    tracingPlan(await loadConfig({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', ...env }, config: { tracing } }))?.protocol;
  expect(await protocol({})).toBe('http/protobuf');
  expect(await protocol({}, { protocol: 'http/json' })).toBe('http/json');
  expect(await protocol({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' }, { protocol: 'http/json' })).toBe('http/protobuf');
  expect(await protocol({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json' })).toBe('http/json');
});

it('gRPC is a config error that names the variable and the fix', async () => {
  await expect(loadConfig({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4317', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' } })).rejects.toThrow(/OTEL_EXPORTER_OTLP_PROTOCOL.*Fix: use http\/protobuf \(the default\) or http\/json/s);
  await expect(loadConfig({ env: {}, config: { tracing: { protocol: 'grpc' as 'http/json' } } })).rejects.toThrow(/tracing\.protocol.*http\/protobuf or http\/json/s);
});
