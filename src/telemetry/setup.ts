/**
 * Turns tracing on: the OpenTelemetry SDK (@opentelemetry/sdk-trace), W3C trace-context propagation,
 * AsyncLocalStorage context, and an exporter (OTLP over HTTP, or what a test gives). Imported only
 * when tracing is configured, so a runtime without it never loads the SDK.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { context, propagation, ROOT_CONTEXT, SpanKind, trace, type Attributes, type Link } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter as OTLPJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OTLPProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AlwaysOffSampler, AlwaysOnSampler, BatchSpanProcessor, ParentBasedSampler, SamplingDecision, SimpleSpanProcessor, TraceIdRatioBasedSampler, TracerProvider, type Sampler, type SpanExporter } from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import type { Logger } from 'pino';
import { settlesWithin } from '../queue/settles-within.ts';
import { CappedSampler } from './capped-sampler.ts';
import { exportHealth } from './export-health.ts';
import type { OtlpProtocol } from './protocol.ts';
import type { SamplerName } from './sampler.ts';
import { idGenerator } from './ids.ts';
import { setTracing } from './spans.ts';

export interface TracingOptions {
  /** Where spans go: an OTLP/HTTP traces URL (`http://collector:4318/v1/traces`). */
  url?: string;
  /** The OTLP encoding (protocol.ts); default http/protobuf, as the OTLP exporter spec says. */
  protocol?: OtlpProtocol;
  /** Instead of OTLP (tests: an InMemorySpanExporter). */
  exporter?: SpanExporter;
  /** Export each span as it ends rather than in batches (tests). */
  simple?: boolean;
  /** service.name; default resourceAttributes['service.name'], else 'botyard'. */
  serviceName?: string;
  serviceVersion?: string;
  /** More resource attributes (OTEL_RESOURCE_ATTRIBUTES); service.name and the instance id above win over them. */
  resourceAttributes?: Record<string, string>;
  /** The OTel sampler (sampler.ts); default parentbased_traceidratio. */
  sampler?: SamplerName;
  /** The ratio of a ratio sampler (default 1: here, unlike in config, everything is recorded unless asked). */
  sampleRatio?: number;
  /** At most this many new traces a second (capped-sampler.ts); default: no cap here, unlike in config. */
  maxTracesPerSecond?: number;
  /**
   * Make each handler's span the active OpenTelemetry context (AsyncLocalStorage), so spans a bot's own
   * code starts nest under it. Default: on Node 24+, where it is cheap; on 20 and 22 it hooks every promise.
   */
  activeContext?: boolean;
  /** Where lost spans are reported (a failed export, a full queue: export-health.ts); without it, nowhere. */
  log?: Logger;
  /** The batch span processor's settings (OTEL_BSP_*); unset ones take the defaults below. */
  batch?: BatchSettings;
}

/** As the OpenTelemetry SDK spec's OTEL_BSP_* variables name them. */
export interface BatchSettings {
  /** Milliseconds from a batch's first span to its export. Default 5000. */
  scheduledDelayMillis?: number;
  /** Milliseconds an export may take. Default 30000. */
  exportTimeoutMillis?: number;
  /** Spans held for export before new ones are dropped. Default 8192, four times the spec's 2048: a busy ingest with every event traced ends tens of thousands of spans a second. */
  maxQueueSize?: number;
  /** The most spans in one export. Default 1024, and never more than maxQueueSize. */
  maxExportBatchSize?: number;
}

/**
 * How long a stop waits for the last spans to reach the collector. The exporter itself waits 10 s for an
 * answer (OTEL_EXPORTER_OTLP_TIMEOUT): a collector that hung would hold every stop that long, past
 * shutdownTimeoutMs and into the orchestrator's grace period.
 */
export const SHUTDOWN_FLUSH_MS = 2000;

export interface Tracing {
  /** Sends what is buffered. */
  flush(): Promise<void>;
  /** Flushes (waiting at most SHUTDOWN_FLUSH_MS), then turns tracing off. */
  shutdown(): Promise<void>;
}

/** The SDK sampler the OTel spec names `name` (its roots capped at `perSecond` when given), and the one that decides its root spans. */
function samplerFor(name: SamplerName, ratio: number, perSecond: number | undefined, log: Logger | undefined): { sampler: Sampler; root: Sampler } {
  // A ratio of 1 records every trace id: AlwaysOn says so without working out a share of the id.
  const named = name.endsWith('always_off') ? new AlwaysOffSampler() : name.endsWith('always_on') || ratio >= 1 ? new AlwaysOnSampler() : new TraceIdRatioBasedSampler(ratio);
  const capped = () => log?.info({ maxTracesPerSecond: perSecond }, `tracing: more than ${perSecond} new traces a second; recording ${perSecond} a second and leaving the rest unrecorded (tracing.maxTracesPerSecond; false records them all). Said once.`);
  const root = perSecond === undefined ? named : new CappedSampler(named, perSecond, capped);
  return { sampler: name.startsWith('parentbased_') ? new ParentBasedSampler({ root }) : root, root };
}

/** What a root's sampling is asked with: no attributes, no links (made once; the SDK's samplers only read them). */
const NO_ATTRIBUTES: Attributes = {};
const NO_LINKS: Link[] = [];

export function startTracing(options: TracingOptions): Tracing {
  // The exporters read OTEL_EXPORTER_OTLP_(TRACES_)HEADERS, _TIMEOUT and _COMPRESSION from the environment themselves.
  const Exporter = options.protocol === 'http/json' ? OTLPJsonExporter : OTLPProtobufExporter;
  const health = options.log ? exportHealth(options.log, options.url) : undefined;
  const given = options.exporter ?? new Exporter({ ...(options.url ? { url: options.url } : {}) });
  const exporter = health ? health.watch(given) : given;
  const maxQueueSize = options.batch?.maxQueueSize ?? 8192;
  const batch = { ...options.batch, maxQueueSize, maxExportBatchSize: options.batch?.maxExportBatchSize ?? Math.min(1024, maxQueueSize) };
  const { sampler, root } = samplerFor(options.sampler ?? 'parentbased_traceidratio', options.sampleRatio ?? 1, options.maxTracesPerSecond, options.log);
  const provider = new TracerProvider({
    sampler,
    // Root spans get the trace id spans.ts already had sampled (startRoot); every other id is fresh.
    idGenerator,
    resource: resourceFromAttributes({
      ...options.resourceAttributes,
      [ATTR_SERVICE_NAME]: options.serviceName ?? options.resourceAttributes?.[ATTR_SERVICE_NAME] ?? 'botyard',
      ...(options.serviceVersion ? { [ATTR_SERVICE_VERSION]: options.serviceVersion } : {}),
      // One per process, so spans say which instance ran a handler.
      'service.instance.id': `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`,
    }),
    spanProcessors: [options.simple ? new SimpleSpanProcessor({ exporter }) : new BatchSpanProcessor({ exporter, ...batch })],
  });
  if (options.activeContext ?? Number(process.versions.node.split('.')[0]) >= 24) {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  }
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  // A root span's parent is nothing: the sampler's answer depends on the trace id alone (spans.ts startRoot;
  // the capped sampler answers a second ask about the id it just recorded the same, without a token), and a
  // parent-based sampler with no parent is its root sampler, asked directly.
  setTracing(true, (traceId, name) => root.shouldSample(ROOT_CONTEXT, traceId, name, SpanKind.INTERNAL, NO_ATTRIBUTES, NO_LINKS).decision !== SamplingDecision.NOT_RECORD);
  return {
    flush: () => provider.forceFlush(),
    async shutdown() {
      setTracing(false);
      if (!(await settlesWithin(provider.shutdown(), SHUTDOWN_FLUSH_MS))) {
        options.log?.warn({ url: options.url, waitedMs: SHUTDOWN_FLUSH_MS }, `tracing: the last spans were not exported within ${SHUTDOWN_FLUSH_MS} ms of the stop (the collector did not answer); they are lost`);
      }
      trace.disable();
      propagation.disable();
      context.disable();
      health?.close();
    },
  };
}
