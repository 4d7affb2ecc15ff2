/** Small statistics helpers shared by the benchmarks. */

/** The q-quantile (0..1) of `values` by nearest rank; NaN for an empty list. */
export function quantile(values: number[], q: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

export interface Spread {
  median: number;
  min: number;
  max: number;
  runs: number[];
}

/** Median, min and max of a few runs' values. */
export function spread(runs: number[]): Spread {
  return { median: quantile(runs, 0.5), min: Math.min(...runs), max: Math.max(...runs), runs };
}

export const round = (n: number, digits = 1) => (Number.isFinite(n) ? Math.round(n * 10 ** digits) / 10 ** digits : n);

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Wall-clock milliseconds with sub-millisecond precision, comparable across processes on one machine. */
export const wallMs = () => performance.timeOrigin + performance.now();
