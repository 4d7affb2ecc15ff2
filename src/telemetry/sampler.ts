/**
 * Which traces are recorded: OpenTelemetry's `OTEL_TRACES_SAMPLER` / `OTEL_TRACES_SAMPLER_ARG` as the
 * OTel SDK environment spec defines them, else botyard's default. Free of SDK imports (config.ts reads
 * it whether or not tracing is on); setup.ts builds the SDK sampler from the answer.
 *
 * The default records every event, as OTel's own default (parentbased_always_on) does, but at most
 * DEFAULT_MAX_TRACES_PER_SECOND new traces a second per process (capped-sampler.ts): a recorded and
 * exported event costs more CPU than the rest of a memory-tier ingest (bench/NOTES.md), while an event
 * that is not recorded costs about a microsecond. So a quiet deployment has the trace of every event,
 * and a busy one spends a fixed few milliseconds of CPU a second on tracing, where a fixed share would
 * grow with the traffic. Parent-based means one decision per event, taken where it enters (webhook,
 * poll), followed by every span after it, on every instance, retries included: a trace is whole or absent.
 */

/** The samplers the OTel spec names that botyard supports (jaeger_remote and xray need extra packages). */
export const SAMPLER_NAMES = ['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'] as const;
export type SamplerName = (typeof SAMPLER_NAMES)[number];

/** Share of events traced when neither the environment nor bot.config.ts says otherwise (under the cap below). */
export const DEFAULT_SAMPLE_RATIO = 1;

/** New traces recorded a second per process at most, when neither the environment nor bot.config.ts says otherwise. */
export const DEFAULT_MAX_TRACES_PER_SECOND = 10;

/** The default in words, for reports. */
export const DEFAULT_SAMPLING = `every event, at most ${DEFAULT_MAX_TRACES_PER_SECOND} new traces a second per process, parent-based`;

export interface SamplerPlan {
  sampler: SamplerName;
  /** The ratio of a *traceidratio sampler (1 for always_on, 0 for always_off). */
  sampleRatio: number;
  /** At most this many new traces a second in this process (root decisions only); absent: no cap. */
  maxTracesPerSecond?: number;
}

/** What bot.config.ts `tracing` says about sampling. */
export interface FileSampling {
  sampleRatio?: number | undefined;
  /** false: no cap. */
  maxTracesPerSecond?: number | false | undefined;
}

/**
 * `env` wins: OTEL_TRACES_SAMPLER names the sampler, exactly as the spec defines it (no cap), and
 * OTEL_TRACES_SAMPLER_ARG is its ratio (the spec's default for a ratio sampler without one is 1). Without
 * OTEL_TRACES_SAMPLER, the sampler is parentbased_traceidratio at OTEL_TRACES_SAMPLER_ARG, else the file's
 * tracing.sampleRatio, else DEFAULT_SAMPLE_RATIO; capped at the file's tracing.maxTracesPerSecond, else
 * DEFAULT_MAX_TRACES_PER_SECOND (false: no cap).
 */
export function resolveSampler(env: { OTEL_TRACES_SAMPLER?: SamplerName | undefined; OTEL_TRACES_SAMPLER_ARG?: number | undefined }, file: FileSampling = {}): SamplerPlan {
  const named = env.OTEL_TRACES_SAMPLER;
  const arg = env.OTEL_TRACES_SAMPLER_ARG;
  if (!named) {
    const cap = file.maxTracesPerSecond ?? DEFAULT_MAX_TRACES_PER_SECOND;
    return { sampler: 'parentbased_traceidratio', sampleRatio: arg ?? file.sampleRatio ?? DEFAULT_SAMPLE_RATIO, ...(cap === false ? {} : { maxTracesPerSecond: cap }) };
  }
  if (named.endsWith('always_on')) return { sampler: named, sampleRatio: 1 };
  if (named.endsWith('always_off')) return { sampler: named, sampleRatio: 0 };
  return { sampler: named, sampleRatio: arg ?? 1 };
}
