/**
 * Whether tracing is on and where spans go, from bot.config.ts `tracing` and OpenTelemetry's standard
 * environment variables (read by loadConfig like every other variable). Off unless an endpoint is named.
 */
import type { Logger } from 'pino';
import type { BotyardConfig } from '../config/load.ts';
import { resolveProtocol, type OtlpProtocol } from './protocol.ts';
import { resolveSampler, type SamplerName } from './sampler.ts';
import type { BatchSettings, Tracing } from './setup.ts';

export interface TracingPlan {
  /** The OTLP/HTTP traces URL. */
  url: string;
  /** Protobuf unless OTEL_EXPORTER_OTLP_(TRACES_)PROTOCOL or tracing.protocol say http/json (protocol.ts). */
  protocol: OtlpProtocol;
  /** OTEL_SERVICE_NAME, else tracing.serviceName; without either, service.name from OTEL_RESOURCE_ATTRIBUTES, else 'botyard'. */
  serviceName?: string;
  /** OTEL_RESOURCE_ATTRIBUTES: on every span's resource, under botyard's own (service.name, service.instance.id). */
  resourceAttributes?: Record<string, string>;
  /** Which traces are recorded (sampler.ts: the OTel variables, else a parent-based ratio). */
  sampler: SamplerName;
  /** Share of events traced by a ratio sampler (1: all). */
  sampleRatio: number;
  /** At most this many new traces a second per process (botyard's default sampler); absent: no cap. */
  maxTracesPerSecond?: number;
  activeContext?: boolean;
  /** The batch span processor's settings from the OTEL_BSP_* variables (setup.ts has the defaults). */
  batch: BatchSettings;
}

/** The plan, or undefined when tracing stays off. */
export function tracingPlan(config: Pick<BotyardConfig, 'env' | 'tracing'>): TracingPlan | undefined {
  const { env, tracing } = config;
  if (tracing.enabled === false || env.OTEL_SDK_DISABLED?.toLowerCase() === 'true' || env.OTEL_TRACES_EXPORTER === 'none') return undefined;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT ?? tracing.endpoint;
  const url = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (base ? `${base.replace(/\/+$/, '')}/v1/traces` : undefined);
  if (!url) return undefined;
  return {
    url,
    protocol: resolveProtocol(env, tracing.protocol),
    ...((env.OTEL_SERVICE_NAME ?? tracing.serviceName) ? { serviceName: env.OTEL_SERVICE_NAME ?? tracing.serviceName } : {}),
    ...(env.OTEL_RESOURCE_ATTRIBUTES ? { resourceAttributes: env.OTEL_RESOURCE_ATTRIBUTES } : {}),
    ...resolveSampler(env, tracing),
    ...(tracing.activeContext !== undefined ? { activeContext: tracing.activeContext } : {}),
    batch: {
      ...(env.OTEL_BSP_SCHEDULE_DELAY !== undefined ? { scheduledDelayMillis: env.OTEL_BSP_SCHEDULE_DELAY } : {}),
      ...(env.OTEL_BSP_EXPORT_TIMEOUT !== undefined ? { exportTimeoutMillis: env.OTEL_BSP_EXPORT_TIMEOUT } : {}),
      ...(env.OTEL_BSP_MAX_QUEUE_SIZE !== undefined ? { maxQueueSize: env.OTEL_BSP_MAX_QUEUE_SIZE } : {}),
      ...(env.OTEL_BSP_MAX_EXPORT_BATCH_SIZE !== undefined ? { maxExportBatchSize: env.OTEL_BSP_MAX_EXPORT_BATCH_SIZE } : {}),
    },
  };
}

/** Turns tracing on when the config says so (loading the SDK only then). */
export async function startConfiguredTracing(config: Pick<BotyardConfig, 'env' | 'tracing'>, log?: Logger): Promise<(Tracing & { url: string; protocol: OtlpProtocol }) | undefined> {
  const plan = tracingPlan(config);
  if (!plan) return undefined;
  const { startTracing } = await import('./setup.ts');
  return { ...startTracing({ ...plan, ...(log ? { log } : {}) }), url: plan.url, protocol: plan.protocol };
}
