/**
 * Waiting in tests without fixed sleeps: poll a predicate every `intervalMs` until it holds or the
 * deadline passes. On timeout the error names what was awaited and the last value seen.
 */
export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Named in the timeout error. */
  what?: string;
}

/** Resolves with the first truthy value the predicate returns. */
export async function waitFor<T>(predicate: () => T | Promise<T>, options: WaitOptions = {}): Promise<NonNullable<T>> {
  // A deadline only costs time when the test is failing anyway: generous, for a loaded 2-core machine.
  const { timeoutMs = 20_000, intervalMs = 10, what = 'condition' } = options;
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      last = await predicate();
      if (last) return last as NonNullable<T>;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const detail = lastError ? ` (last error: ${String(lastError)})` : ` (last value: ${JSON.stringify(last)})`;
      throw new Error(`waitFor: ${what} did not hold within ${timeoutMs} ms${detail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Sleeps; for tests that must let real time pass (e.g. Redis key expiry), never to await an event. */
export const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
