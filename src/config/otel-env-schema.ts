/**
 * OpenTelemetry's standard environment variables, as its SDK environment spec names them, and the fix each
 * config error suggests. Read by loadConfig like every other variable (schema.ts spreads these into
 * envSchema and envFixes); src/telemetry/config.ts turns them into a tracing plan.
 */
import { z } from 'zod';
import { OTLP_PROTOCOLS } from '../telemetry/protocol.ts';
import { parseResourceAttributes } from '../telemetry/resource-attributes.ts';
import { SAMPLER_NAMES } from '../telemetry/sampler.ts';
import { optionalNonEmpty } from './env-text.ts';

/** An http(s) URL. */
const httpUrl = optionalNonEmpty.pipe(z.string().regex(/^https?:\/\/\S+$/, 'expected an http(s):// URL').optional());
/** A whole number of at least `min` (milliseconds or spans). */
const wholeNumber = (min: number) => optionalNonEmpty.pipe(z.coerce.number<string | undefined>().int().min(min).optional());

export const otelEnvShape = {
  OTEL_EXPORTER_OTLP_ENDPOINT: httpUrl,
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: httpUrl,
  OTEL_EXPORTER_OTLP_PROTOCOL: optionalNonEmpty.pipe(z.enum(OTLP_PROTOCOLS).optional()),
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: optionalNonEmpty.pipe(z.enum(OTLP_PROTOCOLS).optional()),
  OTEL_SERVICE_NAME: optionalNonEmpty,
  OTEL_RESOURCE_ATTRIBUTES: optionalNonEmpty.pipe(
    z
      .string()
      .transform((text, ctx) => {
        const parsed = parseResourceAttributes(text);
        if (!('error' in parsed)) return parsed;
        ctx.addIssue({ code: 'custom', message: parsed.error });
        return z.NEVER;
      })
      .optional(),
  ),
  OTEL_SDK_DISABLED: optionalNonEmpty,
  /** The spec's exporter choice: `otlp` (the default) or `none` (tracing off); the others it names are not offered. */
  OTEL_TRACES_EXPORTER: optionalNonEmpty.pipe(z.enum(['otlp', 'none']).optional()),
  OTEL_TRACES_SAMPLER: optionalNonEmpty.pipe(z.enum(SAMPLER_NAMES).optional()),
  OTEL_TRACES_SAMPLER_ARG: optionalNonEmpty.pipe(z.coerce.number<string | undefined>().min(0).max(1).optional()),
  // The batch span processor's settings, as the OpenTelemetry SDK spec names them (milliseconds and spans).
  OTEL_BSP_SCHEDULE_DELAY: wholeNumber(0),
  OTEL_BSP_EXPORT_TIMEOUT: wholeNumber(1),
  OTEL_BSP_MAX_QUEUE_SIZE: wholeNumber(1),
  OTEL_BSP_MAX_EXPORT_BATCH_SIZE: wholeNumber(1),
};

export const otelEnvFixes: Record<string, string> = {
  OTEL_EXPORTER_OTLP_ENDPOINT: 'use the base URL of an OTLP/HTTP collector, e.g. http://otel-collector:4318, or unset it to keep tracing off',
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'use the full traces URL, e.g. http://otel-collector:4318/v1/traces, or unset it',
  OTEL_TRACES_SAMPLER: `use one of ${SAMPLER_NAMES.join(', ')}, or unset it for botyard's default (parentbased_traceidratio)`,
  OTEL_TRACES_EXPORTER: 'use otlp (the default: spans go to OTEL_EXPORTER_OTLP_ENDPOINT) or none (tracing off); for console or zipkin, run an OpenTelemetry collector and point the endpoint at it',
  OTEL_RESOURCE_ATTRIBUTES: 'use comma-separated key=value pairs, values %-encoded where they hold a comma or an equals sign, e.g. deployment.environment=prod,team=bots',
  OTEL_TRACES_SAMPLER_ARG: 'use the share of events to trace, a number from 0 to 1 such as 0.1',
  OTEL_EXPORTER_OTLP_PROTOCOL: 'use http/protobuf (the default) or http/json, with the collector\'s OTLP/HTTP port (4318): botyard does not export over gRPC',
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'use http/protobuf (the default) or http/json, with the collector\'s OTLP/HTTP port (4318): botyard does not export over gRPC',
  OTEL_BSP_SCHEDULE_DELAY: 'use milliseconds between exports, a whole number such as 5000 (the default), or unset it',
  OTEL_BSP_EXPORT_TIMEOUT: 'use the milliseconds an export may take, a whole number such as 30000 (the default), or unset it',
  OTEL_BSP_MAX_QUEUE_SIZE: 'use the number of spans held for export, a whole number such as 8192 (botyard\'s default), or unset it',
  OTEL_BSP_MAX_EXPORT_BATCH_SIZE: 'use the most spans per export, a whole number no larger than OTEL_BSP_MAX_QUEUE_SIZE such as 1024 (botyard\'s default), or unset it',
};
