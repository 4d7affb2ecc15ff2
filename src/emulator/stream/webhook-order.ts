/**
 * The reorder fault for webhook deliveries: events are held until a batch of them is complete (or a
 * second has passed) and the batch then goes out last first, one delivery after the other, so a receiver
 * sees them out of order as it can when Stream's retries and parallel deliveries overtake each other.
 * Deliveries of one event (to several targets, or duplicated) stay together.
 */
interface Held { start: () => Promise<void>; settle: (p: Promise<void>) => void }

export class ReorderGate {
  private held = new Map<string, Held[]>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly batchSize: () => number, private readonly maxHoldMs = 1000) {}

  /** Resolves when this delivery of event `key`, started in its turn, has finished. */
  hold(key: string, start: () => Promise<void>): Promise<void> {
    return new Promise<void>((resolve) => {
      const list = this.held.get(key) ?? [];
      list.push({ start, settle: (p) => void p.then(resolve, resolve) });
      this.held.set(key, list);
      if (this.held.size >= this.batchSize()) this.release();
      else this.timer ??= setTimeout(() => this.release(), this.maxHoldMs);
    });
  }

  /** Sends what is held now, the last event first. */
  release(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const events = [...this.held.values()].reverse();
    this.held.clear();
    let chain = Promise.resolve();
    for (const h of events.flat()) {
      const turn = chain.then(() => h.start());
      h.settle(turn);
      chain = turn.catch(() => undefined);
    }
  }
}
