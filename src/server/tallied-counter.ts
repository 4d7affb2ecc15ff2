/**
 * A two-label prom-client counter for per-event counts: increments are kept as plain numbers and
 * handed to prom-client when the counter is read (a scrape, or `get()`), which sees the same totals.
 * prom-client's own `inc(labels)` validates the labels and builds and looks up a label string on every
 * call, which the webhook path paid once per event.
 */
import { Counter, type Registry } from 'prom-client';

export interface TalliedCounterOptions<A extends string, B extends string> {
  name: string;
  help: string;
  labelNames: [A, B];
  registers: Registry[];
}

/** Returns `add(a, b)`: one more for the label values `a` and `b`. */
export function talliedCounter<A extends string, B extends string>(options: TalliedCounterOptions<A, B>): (a: string, b: string) => void {
  const [labelA, labelB] = options.labelNames;
  /** Counts not yet handed over, by label values; kept (at zero) between reads, there are only a few. */
  const pending = new Map<string, Map<string, number>>();
  new Counter<A | B>({
    ...options,
    collect() {
      for (const [a, byB] of pending) {
        for (const [b, n] of byB) {
          if (n === 0) continue;
          this.inc({ [labelA]: a, [labelB]: b } as Record<A | B, string>, n);
          byB.set(b, 0);
        }
      }
    },
  });
  return (a, b) => {
    let byB = pending.get(a);
    if (!byB) pending.set(a, (byB = new Map()));
    byB.set(b, (byB.get(b) ?? 0) + 1);
  };
}
