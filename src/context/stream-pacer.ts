/**
 * Paces the partial updates of one streamed message. The text only grows, so an update that cannot go
 * now is never queued: the next one carries all the text so far. Rules:
 * - at most one update in flight (updates land in order, and the final update waits for the last one);
 * - update starts at least `intervalMs` apart (the first goes as soon as there is text);
 * - each update waits its turn for a token of the shared budget (`request`), so all streams together
 *   stay within the configured rate; when the turn comes, it sends the text as it is by then.
 */

export interface PacerOptions {
  intervalMs: number;
  /** Queues for a token of the shared budget: `grant` runs when it is ours. Returns a cancel function. */
  request(grant: () => void): () => void;
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
  private cancelTurn: (() => void) | undefined;
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
    this.cancelTurn?.();
    this.cancelTurn = undefined;
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
    if (this.closed || this.inflight || this.cancelTurn || this.latest === this.sent) return;
    const wait = this.lastStartAt + this.options.intervalMs - this.now();
    if (wait > 0) return this.later(wait);
    // The budget may grant at once, inside request(): only a turn still pending is remembered.
    let granted = false;
    const cancel = this.options.request(() => {
      granted = true;
      this.cancelTurn = undefined;
      this.send();
    });
    if (!granted) this.cancelTurn = cancel;
  }

  private send(): void {
    if (this.closed || this.latest === this.sent) return;
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
