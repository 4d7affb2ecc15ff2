/**
 * Says when traces are being lost. The OpenTelemetry SDK reports a failed export and spans dropped from
 * a full export queue only through its diagnostic logger, which is silent until one is set: a mistyped
 * endpoint, a collector that is down or a backend refusing the API key lost every trace without a word.
 * Here the exporter is watched (each batch's result) and the SDK's diagnostics go to the runtime's log:
 *   - the first failed export is a warning naming the traces URL and what to check; while exports keep
 *     failing, one more line a minute with the spans lost since; the first success after says so;
 *   - spans dropped because more ended than the exporter could send: a warning at most once a minute;
 *   - any other SDK warning or error: logged, each distinct message at most once a minute.
 * The counts go to /metrics as `botyard_trace_spans_total{outcome}` (span-tally.ts).
 */
import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import type { Logger } from 'pino';
import { countSpans } from './span-tally.ts';

/** Lines about one ongoing problem are repeated at most this often. */
export const REPEAT_MS = 60_000;

/** The SDK's BatchSpanProcessor says this (sdk-trace 2.x) when its queue was full. */
const DROPPED = /^Dropped (\d+) spans because maxQueueSize reached/;

export interface ExportHealth {
  /** `exporter`, with each batch's result counted and reported. */
  watch(exporter: SpanExporter): SpanExporter;
  /** Stops listening to the SDK's diagnostics. */
  close(): void;
}

export function exportHealth(log: Logger, url: string | undefined, now: () => number = Date.now): ExportHealth {
  const where = url ?? 'the configured exporter';
  let failing: { since: number; lastLine: number; lost: number } | undefined;
  /** When the last line about dropped spans was written, and how many were dropped since. */
  let dropLine: number | undefined;
  let droppedUnsaid = 0;
  const lastByMessage = new Map<string, number>();

  function exportFailed(spans: number, error: Error | undefined): void {
    countSpans('exportFailed', spans);
    const at = now();
    if (!failing) {
      failing = { since: at, lastLine: at, lost: spans };
      log.warn(
        { err: error, url: where, spans },
        `tracing: the collector did not take ${spans} spans; check that ${where} is an OTLP/HTTP receiver this instance can reach (OTEL_EXPORTER_OTLP_ENDPOINT or tracing.endpoint, and OTEL_EXPORTER_OTLP_HEADERS if it wants a key). Events are handled as usual; their spans are lost while this lasts`,
      );
      return;
    }
    failing.lost += spans;
    if (at - failing.lastLine < REPEAT_MS) return;
    failing.lastLine = at;
    log.warn({ err: error, url: where, lostSince: failing.lost, failingForS: Math.round((at - failing.since) / 1000) }, `tracing: exports to ${where} still fail; ${failing.lost} spans lost so far`);
  }

  function exported(spans: number): void {
    countSpans('exported', spans);
    if (!failing) return;
    log.info({ url: where, lost: failing.lost }, `tracing: exports to ${where} succeed again (${failing.lost} spans were lost)`);
    failing = undefined;
  }

  function diagnostic(level: 'warn' | 'error', message: string, args: unknown[]): void {
    const drop = DROPPED.exec(message);
    const at = now();
    if (drop) {
      const n = Number(drop[1]);
      countSpans('dropped', n);
      droppedUnsaid += n;
      if (dropLine !== undefined && at - dropLine < REPEAT_MS) return;
      dropLine = at;
      const said = droppedUnsaid;
      droppedUnsaid = 0;
      log.warn({ dropped: said }, `tracing: ${said} spans dropped: more spans ended than the exporter could send. Record fewer traces (tracing.maxTracesPerSecond, tracing.sampleRatio or OTEL_TRACES_SAMPLER_ARG), or, for bursts, hold more for export (OTEL_BSP_MAX_QUEUE_SIZE); botyard_trace_spans_total{outcome="dropped"} counts them`);
      return;
    }
    // A failed export also reaches the SDK's error handler: exportFailed has said it, with the fix.
    if (failing && level === 'error') return;
    const last = lastByMessage.get(message);
    if (last !== undefined && at - last < REPEAT_MS) return;
    lastByMessage.set(message, at);
    const err = args.find((a): a is Error => a instanceof Error);
    log[level]({ ...(err ? { err } : {}) }, `tracing (OpenTelemetry SDK): ${message}`);
  }

  const logger: DiagLogger = {
    error: (message, ...args) => diagnostic('error', message, args),
    warn: (message, ...args) => diagnostic('warn', message, args),
    info: () => undefined,
    debug: () => undefined,
    verbose: () => undefined,
  };
  diag.setLogger(logger, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });

  return {
    watch: (exporter) => ({
      export(spans: ReadableSpan[], done: (result: ExportResult) => void) {
        exporter.export(spans, (result) => {
          if (result.code === ExportResultCode.SUCCESS) exported(spans.length);
          else exportFailed(spans.length, result.error);
          done(result);
        });
      },
      shutdown: () => exporter.shutdown(),
      ...(exporter.forceFlush ? { forceFlush: () => exporter.forceFlush!() } : {}),
    }),
    close: () => diag.disable(),
  };
}
