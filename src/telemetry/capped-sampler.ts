/**
 * A root sampler that records at most `perSecond` new traces a second in this process (a token bucket
 * holding one second's worth), of those its inner sampler would record. botyard's default (sampler.ts):
 * a quiet deployment has every event traced, and a busy one pays for a fixed number of recorded traces
 * a second however many events arrive, where a fixed ratio's cost grows with the traffic.
 *
 * Asked again about the trace id it last recorded, it answers the same without taking another token:
 * spans.ts decides a root before the SDK starts it, and the SDK's tracer then asks the provider's sampler
 * once more for that very trace id (startRoot).
 */
import type { Attributes, Context, Link, SpanKind } from '@opentelemetry/api';
import { SamplingDecision, type Sampler, type SamplingResult } from '@opentelemetry/sdk-trace';

const DROP: SamplingResult = { decision: SamplingDecision.NOT_RECORD };

export class CappedSampler implements Sampler {
  private tokens: number;
  private filledAt: number;
  private last: { traceId: string; result: SamplingResult } | undefined;

  /**
   * `onFirstCapped`: called once, the first time the cap leaves a trace unrecorded (setup.ts logs it, so an
   * operator who finds fewer traces than events knows why). `now`: milliseconds from any fixed origin (tests
   * pass a clock of their own).
   */
  constructor(
    private readonly inner: Sampler,
    private readonly perSecond: number,
    private onFirstCapped?: () => void,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = perSecond;
    this.filledAt = now();
  }

  shouldSample(context: Context, traceId: string, name: string, kind: SpanKind, attributes: Attributes, links: Link[]): SamplingResult {
    if (this.last?.traceId === traceId) return this.last.result;
    // The cap first: when it is spent (a busy instance, most of the time), the inner sampler is not asked.
    if (!this.hasToken()) {
      this.onFirstCapped?.();
      this.onFirstCapped = undefined;
      return DROP;
    }
    const result = this.inner.shouldSample(context, traceId, name, kind, attributes, links);
    if (result.decision === SamplingDecision.NOT_RECORD) return result;
    this.tokens -= 1;
    this.last = { traceId, result };
    return result;
  }

  private hasToken(): boolean {
    const now = this.now();
    this.tokens = Math.min(this.perSecond, this.tokens + ((now - this.filledAt) / 1000) * this.perSecond);
    this.filledAt = now;
    return this.tokens >= 1;
  }

  toString(): string {
    return `CappedSampler{${this.inner.toString()}, at most ${this.perSecond} a second}`;
  }
}
