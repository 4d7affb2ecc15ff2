/** When tracing is on and where spans go: off by default, on with an OTLP endpoint from the environment or bot.config.ts. */
import { expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { tracingPlan } from '../../src/telemetry/config.ts';

const plan = async (env: Record<string, string>, tracing: Record<string, unknown> = {}) => tracingPlan(await loadConfig({ env, config: { tracing } }));

it('is off unless an endpoint is named, and the environment wins over the file', async () => {
  expect(await plan({})).toBeUndefined();
  expect(await plan({}, { endpoint: 'http://collector:4318/' })).toEqual({ url: 'http://collector:4318/v1/traces', serviceName: 'botyard', sampleRatio: 1 });
  expect(await plan({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://env:4318' }, { endpoint: 'http://file:4318', serviceName: 'bots', sampleRatio: 0.5 })).toEqual({ url: 'http://env:4318/v1/traces', serviceName: 'bots', sampleRatio: 0.5 });
  expect(await plan({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://env:4318/custom', OTEL_SERVICE_NAME: 'svc', OTEL_TRACES_SAMPLER_ARG: '0.1' })).toEqual({ url: 'http://env:4318/custom', serviceName: 'svc', sampleRatio: 0.1 });
  expect(await plan({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://env:4318', OTEL_SDK_DISABLED: 'true' })).toBeUndefined();
  expect(await plan({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://env:4318' }, { enabled: false })).toBeUndefined();
});

it('a malformed endpoint is a config error naming the variable and the fix', async () => {
  await expect(loadConfig({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' } })).rejects.toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT.*Fix: use the base URL/s);
});
