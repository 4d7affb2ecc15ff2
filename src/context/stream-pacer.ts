/**
 * Paces the partial updates of one streamed message. The text only grows, so an update that cannot go
 * now is never queued: the next one carries all the text so far. Rules:
 * - at most one update in flight (updates land in order, and the final update waits for the last one);
 * - update starts at least `intervalMs` apart (the first goes as soon as there is text);
 * - each update takes a token from the shared budget (`take`), so all streams together stay within
 *   the configured rate; without a token the pacer tries again a little later.
 */

export interface PacerOptions {
  intervalMs: number;
  /** Takes one token from the shared budget; false means "not now". */
  take(): boolean;
  /** Sends one partial update. A rejection is reported to `onError` and the pacer carries on. */
  send(text: string): Promise<void>;
  onError(error: unknown): void;
  now?: () => number;
}

export class PartialUpdatePacer {
  /** Partial updates that landed. */
  updates = 0;
  private latest = '';
  private sent = '';
  private lastStartAt = Number.NEGATIVE_INFINITY;
  private inflight: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly now: () => number;

  constructor(private readonly options: PacerOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The whole text so far. */
  offer(text: string): void {
    this.latest = text;
    this.pump();
  }

  /** No more partial updates; resolves once the one in flight (if any) has landed or failed. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.inflight;
  }

  private later(ms: number): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.pump();
    }, Math.max(1, ms));
  }

  private pump(): void {
    if (this.closed || this.inflight || this.latest === this.sent) return;
    const wait = this.lastStartAt + this.options.intervalMs - this.now();
    if (wait > 0) return this.later(wait);
    // Budget spent by other streams: look again in a quarter interval rather than wait in line.
    if (!this.options.take()) return this.later(Math.max(25, this.options.intervalMs / 4));
    const text = this.latest;
    this.lastStartAt = this.now();
    this.inflight = this.options
      .send(text)
      .then(
        () => {
          this.sent = text;
          this.updates++;
        },
        (error: unknown) => this.options.onError(error),
      )
      .finally(() => {
        this.inflight = undefined;
        this.pump();
      });
  }
}
