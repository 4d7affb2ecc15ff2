/**
 * OTEL_RESOURCE_ATTRIBUTES, as the OTel SDK environment spec defines it, reaches every span's resource;
 * service.name follows the spec's precedence (OTEL_SERVICE_NAME over the list), and a malformed list is
 * a config error naming the variable rather than the SDK's silent drop.
 */
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { tracingPlan } from '../../src/telemetry/config.ts';
import { startTracing } from '../../src/telemetry/setup.ts';
import { runRoot } from '../../src/telemetry/spans.ts';

const on = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' };

/** The resource attributes of a span recorded under the plan `env` makes. */
async function resourceOf(env: Record<string, string>, tracing: Record<string, unknown> = {}) {
  const plan = tracingPlan(await loadConfig({ env: { ...on, ...env }, config: { tracing } }))!;
  const exporter = new InMemorySpanExporter();
  const t = startTracing({ ...plan, exporter, simple: true, sampler: 'always_on' });
  try {
    await runRoot('timer', { bot: 'res', name: 'one' }, () => undefined);
    return exporter.getFinishedSpans()[0]!.resource.attributes;
  } finally {
    await t.shutdown();
  }
}

it('puts OTEL_RESOURCE_ATTRIBUTES on the spans, %-decoded, under botyard\'s own service.name and instance id', async () => {
  const attrs = await resourceOf({ OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=prod, team=chat%2Cbots,service.instance.id=spoofed' });
  expect(attrs['deployment.environment']).toBe('prod');
  expect(attrs.team).toBe('chat,bots');
  expect(attrs['service.name']).toBe('botyard');
  expect(attrs['service.instance.id']).not.toBe('spoofed');
});

it('service.name: OTEL_SERVICE_NAME, then tracing.serviceName, then the list, then botyard', async () => {
  const list = { OTEL_RESOURCE_ATTRIBUTES: 'service.name=from-list' };
  expect((await resourceOf(list))['service.name']).toBe('from-list');
  expect((await resourceOf(list, { serviceName: 'from-file' }))['service.name']).toBe('from-file');
  expect((await resourceOf({ ...list, OTEL_SERVICE_NAME: 'from-env' }, { serviceName: 'from-file' }))['service.name']).toBe('from-env');
});

it('a malformed list is a config error naming the variable and the fix', async () => {
  await expect(loadConfig({ env: { ...on, OTEL_RESOURCE_ATTRIBUTES: 'prod' } })).rejects.toThrow(/OTEL_RESOURCE_ATTRIBUTES.*'prod' is not key=value.*Fix: use comma-separated key=value pairs/s);
  await expect(loadConfig({ env: { ...on, OTEL_RESOURCE_ATTRIBUTES: 'team=%E0%A4%A' } })).rejects.toThrow(/OTEL_RESOURCE_ATTRIBUTES.*broken %-escape/s);
});
