/** When tracing is on and where spans go: off by default, on with an OTLP endpoint from the environment or bot.config.ts. */
import { expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { tracingPlan } from '../../src/telemetry/config.ts';
import { DEFAULT_MAX_TRACES_PER_SECOND, DEFAULT_SAMPLE_RATIO } from '../../src/telemetry/sampler.ts';

const plan = async (env: Record<string, string>, tracing: Record<string, unknown> = {}) => tracingPlan(await loadConfig({ env, config: { tracing } }));

it('is off unless an endpoint is named, and the environment wins over the file', async () => {
  expect(await plan({})).toBeUndefined();
  const ratio = (sampleRatio: number) => ({ sampler: 'parentbased_traceidratio', sampleRatio, maxTracesPerSecond: DEFAULT_MAX_TRACES_PER_SECOND });
  expect(await plan({}, { endpoint: 'http://collector:4318/' })).toEqual({ url: 'http://collector:4318/v1/traces', protocol: 'http/protobuf', ...ratio(DEFAULT_SAMPLE_RATIO), batch: {} });
  expect(await plan({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://env:4318' }, { endpoint: 'http://file:4318', serviceName: 'bots', sampleRatio: 0.5 })).toEqual({ url: 'http://env:4318/v1/traces', protocol: 'http/protobuf', serviceName: 'bots', ...ratio(0.5), batch: {} });
  expect(await plan({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://env:4318/custom', OTEL_SERVICE_NAME: 'svc', OTEL_TRACES_SAMPLER_ARG: '0.1' })).toEqual({ url: 'http://env:4318/custom', protocol: 'http/protobuf', serviceName: 'svc', ...ratio(0.1), batch: {} });
  expect(await plan({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://env:4318', OTEL_SDK_DISABLED: 'true' })).toBeUndefined();
  // OTEL_TRACES_EXPORTER as the OTel spec names it: none turns tracing off, otlp is the default.
  expect(await plan({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://env:4318', OTEL_TRACES_EXPORTER: 'none' })).toBeUndefined();
  expect((await plan({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://env:4318', OTEL_TRACES_EXPORTER: 'otlp' }))?.url).toBe('http://env:4318/v1/traces');
  await expect(loadConfig({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://env:4318', OTEL_TRACES_EXPORTER: 'console' } })).rejects.toThrow(/OTEL_TRACES_EXPORTER.*Fix: use otlp \(the default/s);
  expect(await plan({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://env:4318' }, { enabled: false })).toBeUndefined();
});

it('takes the batch span processor settings from the OTEL_BSP_* variables, as the OTel SDK spec names them', async () => {
  const on = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://env:4318' };
  expect((await plan({ ...on, OTEL_BSP_SCHEDULE_DELAY: '200', OTEL_BSP_EXPORT_TIMEOUT: '10000', OTEL_BSP_MAX_QUEUE_SIZE: '50000', OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '2048' }))?.batch).toEqual({
    scheduledDelayMillis: 200,
    exportTimeoutMillis: 10_000,
    maxQueueSize: 50_000,
    maxExportBatchSize: 2048,
  });
  await expect(loadConfig({ env: { ...on, OTEL_BSP_MAX_QUEUE_SIZE: 'lots' } })).rejects.toThrow(/OTEL_BSP_MAX_QUEUE_SIZE.*Fix: use the number of spans held for export/s);
  await expect(loadConfig({ env: { ...on, OTEL_BSP_SCHEDULE_DELAY: '-5' } })).rejects.toThrow(/OTEL_BSP_SCHEDULE_DELAY.*Fix: use milliseconds between exports/s);
});

it('a malformed endpoint is a config error naming the variable and the fix', async () => {
  await expect(loadConfig({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' } })).rejects.toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT.*Fix: use the base URL/s);
});

it('traces every event up to a cap of new traces a second by default, parent-based, and honours OTEL_TRACES_SAMPLER and its argument as the OTel spec says', async () => {
  const on = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://env:4318' };
  const sampler = async (env: Record<string, string>, tracing: Record<string, unknown> = {}) => {
    const p = await plan({ ...on, ...env }, tracing);
    return { sampler: p?.sampler, sampleRatio: p?.sampleRatio, ...(p?.maxTracesPerSecond !== undefined ? { maxTracesPerSecond: p.maxTracesPerSecond } : {}) };
  };
  // Every event, up to the cap of new traces a second.
  expect(await sampler({})).toEqual({ sampler: 'parentbased_traceidratio', sampleRatio: 1, maxTracesPerSecond: DEFAULT_MAX_TRACES_PER_SECOND });
  expect(DEFAULT_SAMPLE_RATIO).toBe(1);
  expect(await sampler({}, { maxTracesPerSecond: 50, sampleRatio: 0.2 })).toEqual({ sampler: 'parentbased_traceidratio', sampleRatio: 0.2, maxTracesPerSecond: 50 });
  expect(await sampler({}, { maxTracesPerSecond: false })).toEqual({ sampler: 'parentbased_traceidratio', sampleRatio: 1 });
  // A sampler named in the environment is the spec's, without botyard's cap.
  expect(await sampler({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.5' }, { maxTracesPerSecond: 50 })).toEqual({ sampler: 'parentbased_traceidratio', sampleRatio: 0.5 });
  // Every event: the sampler by name (the file's ratio no longer applies, as the variable wins).
  expect(await sampler({ OTEL_TRACES_SAMPLER: 'parentbased_always_on' }, { sampleRatio: 0.3 })).toEqual({ sampler: 'parentbased_always_on', sampleRatio: 1 });
  expect(await sampler({ OTEL_TRACES_SAMPLER: 'always_off' })).toEqual({ sampler: 'always_off', sampleRatio: 0 });
  // A ratio sampler takes its argument, 1 without one (the spec's default).
  expect(await sampler({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25' })).toEqual({ sampler: 'traceidratio', sampleRatio: 0.25 });
  expect(await sampler({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio' }, { sampleRatio: 0.3 })).toEqual({ sampler: 'parentbased_traceidratio', sampleRatio: 1 });
  // The argument alone sets the default sampler's ratio, over the file's.
  expect(await sampler({ OTEL_TRACES_SAMPLER_ARG: '0.4' }, { sampleRatio: 0.3 })).toEqual({ sampler: 'parentbased_traceidratio', sampleRatio: 0.4, maxTracesPerSecond: DEFAULT_MAX_TRACES_PER_SECOND });
  await expect(loadConfig({ env: { ...on, OTEL_TRACES_SAMPLER: 'jaeger_remote' } })).rejects.toThrow(/OTEL_TRACES_SAMPLER.*Fix: use one of always_on/s);
});
