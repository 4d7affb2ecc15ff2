/**
 * How spans go on the wire: OTLP over HTTP, as protobuf (the OTLP exporter spec's default, and the encoding
 * every OTLP/HTTP receiver must accept: some, such as Elastic's APM server, take nothing else) or as JSON
 * (optional for receivers). gRPC is not offered: it would bring its own HTTP/2 stack for what a collector's
 * HTTP port already receives. Free of SDK imports: the config schema reads it; setup.ts builds the exporter.
 */
export const OTLP_PROTOCOLS = ['http/protobuf', 'http/json'] as const;
export type OtlpProtocol = (typeof OTLP_PROTOCOLS)[number];

/** The protocol in force: the traces variable, then the general one, then bot.config.ts, then protobuf. */
export function resolveProtocol(env: { OTEL_EXPORTER_OTLP_TRACES_PROTOCOL?: OtlpProtocol | undefined; OTEL_EXPORTER_OTLP_PROTOCOL?: OtlpProtocol | undefined }, file?: OtlpProtocol): OtlpProtocol {
  return env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL ?? file ?? 'http/protobuf';
}
