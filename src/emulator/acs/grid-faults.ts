/**
 * Faults of Event Grid deliveries: the same event twice (`duplicate`), again as a retry with
 * `aeg-delivery-count` raised (`redeliver`: Event Grid delivers at least once), or batches delivered
 * last first (`reorder`: Event Grid does not keep order). `plan` turns one event into the deliveries
 * to make, in order.
 */
export type Send<E> = (event: E, headers: Record<string, string>) => void;

export interface GridFaults {
  duplicate(count?: number): void;
  redeliver(count?: number): void;
  /** Hold the next `count` events and deliver them last first (a batch is released after a second at most). */
  reorder(count?: number): void;
  clear(): void;
  describe(): string[];
  plan<E>(event: E, send: Send<E>): void;
}

export function createGridFaults(maxHoldMs = 1000): GridFaults {
  let duplicates = 0;
  let redeliveries = 0;
  let reorders = 0;
  let held: Array<() => void> = [];
  let timer: NodeJS.Timeout | undefined;
  const release = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    for (const send of held.splice(0).reverse()) send();
  };
  return {
    duplicate: (count = 1) => void (duplicates += count),
    redeliver: (count = 1) => void (redeliveries += count),
    reorder: (count = 2) => void (reorders += count),
    clear() {
      duplicates = redeliveries = reorders = 0;
      release();
    },
    describe() {
      const out: string[] = [];
      if (duplicates) out.push(`eventgrid: next ${duplicates} events delivered twice`);
      if (redeliveries) out.push(`eventgrid: next ${redeliveries} events redelivered`);
      if (reorders) out.push(`eventgrid: next ${reorders} events delivered out of order`);
      return out;
    },
    plan(event, send) {
      const deliveries: Array<() => void> = [() => send(event, {})];
      if (duplicates > 0 && duplicates--) deliveries.push(() => send(event, {}));
      if (redeliveries > 0 && redeliveries--) deliveries.push(() => send(event, { 'aeg-delivery-count': '1' }));
      if (reorders > 0 && reorders--) {
        held.push(() => deliveries.forEach((d) => d()));
        if (reorders === 0 || held.length >= 2) release();
        else timer ??= setTimeout(release, maxHoldMs);
        return;
      }
      deliveries.forEach((d) => d());
    },
  };
}
