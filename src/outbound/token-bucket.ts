/**
 * A reserving token bucket: each `reserve()` takes a token now and says how long the caller must
 * wait before using it. Callers that arrive while the bucket is empty queue up in time order without
 * any timer or list: the bucket simply goes negative.
 */
export interface BucketLimit {
  /** Calls allowed per `windowMs`. */
  limit: number;
  windowMs: number;
  /** Calls allowed at once before pacing starts (default: a tenth of the limit, at least 1). */
  burst?: number;
}

export class TokenBucket {
  private tokens: number;
  private updatedAt: number;
  private readonly ratePerMs: number;
  private readonly capacity: number;

  constructor(limit: BucketLimit, private readonly now: () => number = Date.now) {
    this.capacity = limit.burst ?? Math.max(1, Math.floor(limit.limit / 10));
    this.ratePerMs = limit.limit / limit.windowMs;
    this.tokens = this.capacity;
    this.updatedAt = now();
  }

  /** Takes one token; returns the milliseconds to wait before acting (0 when one was available). */
  reserve(): number {
    this.refill();
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : Math.ceil(-this.tokens / this.ratePerMs);
  }

  /** Takes one token only when one is free now; never queues (for work that may simply be skipped). */
  tryTake(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  private refill(): void {
    const t = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + (t - this.updatedAt) * this.ratePerMs);
    this.updatedAt = t;
  }
}
