/** When tracing is on and where spans go: off by default, on with an OTLP endpoint from the environment or bot.config.ts. */
import { expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { tracingPlan } from '../../src/telemetry/config.ts';
import { DEFAULT_SAMPLE_RATIO } from '../../src/telemetry/sampler.ts';

const plan = async (env: Record<string, string>, tracing: Record<string, unknown> = {}) => tracingPlan(await loadConfig({ env, config: { tracing } }));

it('is off unless an endpoint is named, and the environment wins over the file', async () => {
  expect(await plan({})).toBeUndefined();
  const ratio = (sampleRatio: number) => ({ sampler: 'parentbased_traceidratio', sampleRatio });
  expect(await plan({}, { endpoint: 'http://collector:4318/' })).toEqual({ url: 'http://collector:4318/v1/traces', protocol: 'http/protobuf', serviceName: 'botyard', ...ratio(DEFAULT_SAMPLE_RATIO) });
  expect(await plan({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://env:4318' }, { endpoint: 'http://file:4318', serviceName: 'bots', sampleRatio: 0.5 })).toEqual({ url: 'http://env:4318/v1/traces', protocol: 'http/protobuf', serviceName: 'bots', ...ratio(0.5) });
  expect(await plan({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://env:4318/custom', OTEL_SERVICE_NAME: 'svc', OTEL_TRACES_SAMPLER_ARG: '0.1' })).toEqual({ url: 'http://env:4318/custom', protocol: 'http/protobuf', serviceName: 'svc', ...ratio(0.1) });
  expect(await plan({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://env:4318', OTEL_SDK_DISABLED: 'true' })).toBeUndefined();
  expect(await plan({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://env:4318' }, { enabled: false })).toBeUndefined();
});

it('a malformed endpoint is a config error naming the variable and the fix', async () => {
  await expect(loadConfig({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' } })).rejects.toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT.*Fix: use the base URL/s);
});

it('samples a share of events by default, parent-based, and honours OTEL_TRACES_SAMPLER and its argument as the OTel spec says', async () => {
  const on = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://env:4318' };
  const sampler = async (env: Record<string, string>, tracing: Record<string, unknown> = {}) => {
    const p = await plan({ ...on, ...env }, tracing);
    return { sampler: p?.sampler, sampleRatio: p?.sampleRatio };
  };
  expect(DEFAULT_SAMPLE_RATIO).toBeGreaterThan(0);
  expect(DEFAULT_SAMPLE_RATIO).toBeLessThan(1);
  expect(await sampler({})).toEqual({ sampler: 'parentbased_traceidratio', sampleRatio: DEFAULT_SAMPLE_RATIO });
  // Every event: the sampler by name (the file's ratio no longer applies, as the variable wins).
  expect(await sampler({ OTEL_TRACES_SAMPLER: 'parentbased_always_on' }, { sampleRatio: 0.3 })).toEqual({ sampler: 'parentbased_always_on', sampleRatio: 1 });
  expect(await sampler({ OTEL_TRACES_SAMPLER: 'always_off' })).toEqual({ sampler: 'always_off', sampleRatio: 0 });
  // A ratio sampler takes its argument, 1 without one (the spec's default).
  expect(await sampler({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25' })).toEqual({ sampler: 'traceidratio', sampleRatio: 0.25 });
  expect(await sampler({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio' }, { sampleRatio: 0.3 })).toEqual({ sampler: 'parentbased_traceidratio', sampleRatio: 1 });
  // The argument alone sets the default sampler's ratio, over the file's.
  expect(await sampler({ OTEL_TRACES_SAMPLER_ARG: '1' }, { sampleRatio: 0.3 })).toEqual({ sampler: 'parentbased_traceidratio', sampleRatio: 1 });
  await expect(loadConfig({ env: { ...on, OTEL_TRACES_SAMPLER: 'jaeger_remote' } })).rejects.toThrow(/OTEL_TRACES_SAMPLER.*Fix: use one of always_on/s);
});
