/**
 * Waiting in tests without fixed sleeps: poll a predicate until it holds or the deadline passes. On
 * timeout the error names what was awaited and the last value seen.
 *
 * An asynchronous predicate (a /metrics scrape, a Redis read, an HTTP call) is polled at `intervalMs` at
 * first and then less and less often, up to `maxIntervalMs`: a /metrics scrape costs ~10 ms of CPU
 * between the two processes, so a wait polling one every 10 ms kept more than half a core busy for as
 * long as it waited (and waits last longest exactly when the box is loaded). A synchronous predicate
 * reads memory and keeps its interval.
 */
export interface WaitOptions {
  timeoutMs?: number;
  /** The first interval (default 10 ms); a synchronous predicate keeps it. */
  intervalMs?: number;
  /** The longest interval an asynchronous predicate backs off to: default 100 ms, or `intervalMs` when larger. */
  maxIntervalMs?: number;
  /** Named in the timeout error. */
  what?: string;
}

/** Resolves with the first truthy value the predicate returns. */
export async function waitFor<T>(predicate: () => T | Promise<T>, options: WaitOptions = {}): Promise<NonNullable<T>> {
  // A deadline only costs time when the test is failing anyway: generous, for a loaded 2-core machine.
  const { timeoutMs = 20_000, intervalMs = 10, what = 'condition' } = options;
  const maxIntervalMs = Math.max(intervalMs, options.maxIntervalMs ?? 100);
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  let interval = intervalMs;
  for (;;) {
    let asynchronous = false;
    try {
      const value = predicate();
      asynchronous = typeof (value as { then?: unknown } | undefined)?.then === 'function';
      last = await value;
      if (last) return last as NonNullable<T>;
    } catch (err) {
      lastError = err;
      asynchronous = true; // a failing call (a refused connection) is I/O too
    }
    if (Date.now() >= deadline) {
      const detail = lastError ? ` (last error: ${String(lastError)})` : ` (last value: ${JSON.stringify(last)})`;
      throw new Error(`waitFor: ${what} did not hold within ${timeoutMs} ms${detail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
    if (asynchronous) interval = Math.min(maxIntervalMs, Math.ceil(interval * 1.5));
  }
}

/** Sleeps; for tests that must let real time pass (e.g. Redis key expiry), never to await an event. */
export const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
