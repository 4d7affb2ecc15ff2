/**
 * How many conversations a Redis queue worker may still take (redis-worker.ts). Two callers claim: the
 * claim loop, and every ack commit (which claims in the same script for the slots it frees). Each
 * promises itself slots before its script runs (`reserve`) and gives them back once the claimed
 * conversations are held, so together they never hold more than the worker's concurrency.
 */
export class WorkerSlots {
  /** Slots promised to claims in flight. */
  reserved = 0;
  private freed: (() => void) | undefined;

  constructor(
    private readonly capacity: number,
    private readonly held: () => number,
  ) {}

  /** Slots neither held nor promised. */
  free(): number {
    return Math.max(0, this.capacity - this.held() - this.reserved);
  }

  /** Promises every free slot (none when `none`) to a claim about to run; answers how many. */
  reserve(none = false): number {
    const n = none ? 0 : this.free();
    this.reserved += n;
    return n;
  }

  /** Gives back `n` promised slots; wakes a `waitForFree` (it may be waiting for exactly these). */
  giveBack(n: number): void {
    this.reserved -= n;
    if (n > 0) this.notify();
  }

  /** Tells a waiting `waitForFree` that a slot may have freed (a conversation was let go). */
  notify(): void {
    this.freed?.();
  }

  /** Resolves when `notify` or `giveBack` is next called, or after `safetyMs` at most. */
  waitForFree(safetyMs: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.freed = undefined;
        resolve();
      };
      const timer = setTimeout(done, safetyMs);
      this.freed = done;
    });
  }
}
