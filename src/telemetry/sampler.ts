/**
 * Which traces are recorded: OpenTelemetry's `OTEL_TRACES_SAMPLER` / `OTEL_TRACES_SAMPLER_ARG` as the
 * OTel SDK environment spec defines them, else botyard's default. Free of SDK imports (config.ts reads
 * it whether or not tracing is on); setup.ts builds the SDK sampler from the answer.
 *
 * The default is parent-based trace-id ratio at DEFAULT_SAMPLE_RATIO, not OTel's own default
 * (parentbased_always_on): a recorded and exported event costs more CPU than the rest of a memory-tier
 * ingest (bench/NOTES.md), while an event that is not recorded costs about a microsecond. Parent-based
 * means one decision per event, taken where it enters (webhook, poll), followed by every span after it,
 * on every instance, retries included: a trace is whole or absent.
 */

/** The samplers the OTel spec names that botyard supports (jaeger_remote and xray need extra packages). */
export const SAMPLER_NAMES = ['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'] as const;
export type SamplerName = (typeof SAMPLER_NAMES)[number];

/** Share of events traced when neither the environment nor bot.config.ts says otherwise. */
export const DEFAULT_SAMPLE_RATIO = 0.05;

export interface SamplerPlan {
  sampler: SamplerName;
  /** The ratio of a *traceidratio sampler (1 for always_on, 0 for always_off). */
  sampleRatio: number;
}

/**
 * `env` wins: OTEL_TRACES_SAMPLER names the sampler, and OTEL_TRACES_SAMPLER_ARG is its ratio (the
 * spec's default for a ratio sampler without one is 1). Without OTEL_TRACES_SAMPLER, the sampler is
 * parentbased_traceidratio at OTEL_TRACES_SAMPLER_ARG, else `fileRatio` (tracing.sampleRatio), else
 * DEFAULT_SAMPLE_RATIO.
 */
export function resolveSampler(env: { OTEL_TRACES_SAMPLER?: SamplerName | undefined; OTEL_TRACES_SAMPLER_ARG?: number | undefined }, fileRatio?: number): SamplerPlan {
  const named = env.OTEL_TRACES_SAMPLER;
  const arg = env.OTEL_TRACES_SAMPLER_ARG;
  if (!named) return { sampler: 'parentbased_traceidratio', sampleRatio: arg ?? fileRatio ?? DEFAULT_SAMPLE_RATIO };
  if (named.endsWith('always_on')) return { sampler: named, sampleRatio: 1 };
  if (named.endsWith('always_off')) return { sampler: named, sampleRatio: 0 };
  return { sampler: named, sampleRatio: arg ?? 1 };
}
