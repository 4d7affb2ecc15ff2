/**
 * The shared budget of partial updates on one platform: a token bucket (the configured rate, a
 * second's worth of burst) handed out first come, first served. A stream asks for a turn and waits in
 * line; when a token is free the longest-waiting stream gets it. With many streams and few tokens each
 * stream still gets its turn in rotation, instead of the quickest askers taking every token.
 */
import { TokenBucket } from '../outbound/token-bucket.ts';

export class PartialUpdateBudget {
  private readonly bucket: TokenBucket;
  /** Waiting streams in arrival order (a Set keeps insertion order and cancels in O(1)). */
  private readonly waiting = new Set<() => void>();
  private timer: NodeJS.Timeout | undefined;
  private readonly tokenEveryMs: number;

  constructor(perMinute: number, now?: () => number) {
    const burst = Math.max(1, Math.floor(perMinute / 60));
    this.bucket = new TokenBucket({ limit: perMinute, windowMs: 60_000, burst }, now);
    this.tokenEveryMs = Math.max(1, Math.ceil(60_000 / perMinute));
  }

  /** Calls `grant` once a token is this caller's (maybe at once). Returns a function that gives up the place in line. */
  request(grant: () => void): () => void {
    this.waiting.add(grant);
    this.drain();
    return () => {
      this.waiting.delete(grant);
      if (this.waiting.size === 0) this.stopTimer();
    };
  }

  /** Streams waiting for a turn. */
  get queued(): number {
    return this.waiting.size;
  }

  private drain(): void {
    for (const grant of this.waiting) {
      if (!this.bucket.tryTake()) break;
      this.waiting.delete(grant);
      grant();
    }
    if (this.waiting.size === 0) this.stopTimer();
    else this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.drain();
    }, this.tokenEveryMs);
  }

  private stopTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
