/**
 * Which bot handler is running, for the containment rules that must name it: `process.exit()` from a
 * handler (exit-guard.ts) and event-loop stalls (loop-monitor.ts). Two views:
 *   - `currentHandler()`: the handler whose code is executing now, through an AsyncLocalStorage that
 *     follows the handler's awaits. (OpenTelemetry's context manager uses the same machinery, so the
 *     cost is paid once; bench/containment measures it.)
 *   - `handlersInFlight()`: every run started and not yet settled, timed-out ones included.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface HandlerIdentity {
  bot: string;
  /** `onMessage`, `hear(/hi/)`, `schedule(0 9 * * *)`, `setup`. */
  label: string;
}

export interface RunningHandler extends HandlerIdentity {
  /** performance.now() at start, and at its end once it settled. */
  startedAt: number;
  endedAt?: number;
  /**
   * How long the handler's first synchronous slice ran (the call until its first await), and when it
   * ended: two clock reads per run, and enough to pin a busy loop at the top of a handler exactly.
   */
  firstSliceMs?: number;
  firstSliceEndedAt?: number;
}

const storage = new AsyncLocalStorage<HandlerIdentity>();
const inFlight = new Map<number, RunningHandler>();
/** Runs that settled lately, newest last: a handler that blocked the loop has often settled by the time a timer can notice. */
const recentlyEnded: RunningHandler[] = [];
const RECENT_MAX = 256;
let nextRun = 0;

/** Runs `fn` as `who`: everything it starts, awaited or not, reports `who` as the current handler. */
export function runAs<T>(who: HandlerIdentity, fn: () => T): T {
  return storage.run(who, fn);
}

/** The handler whose code is running now, if any. */
export function currentHandler(): HandlerIdentity | undefined {
  return storage.getStore();
}

/**
 * Marks a run in flight from now until `settled` resolves (a timed-out handler stays in flight until it
 * really ends). `settled` is given once the run started; the returned entry takes the slice timing.
 */
export function beginRun(who: HandlerIdentity): { run: RunningHandler; settles(settled: Promise<unknown>): void } {
  const id = nextRun++;
  const run: RunningHandler = { ...who, startedAt: performance.now() };
  inFlight.set(id, run);
  return { run, settles: (settled) => void settled.finally(() => endRun(id, run)) };
}

function endRun(id: number, run: RunningHandler): void {
  inFlight.delete(id);
  run.endedAt = performance.now();
  recentlyEnded.push(run);
  if (recentlyEnded.length > RECENT_MAX) recentlyEnded.splice(0, recentlyEnded.length - RECENT_MAX);
}

/** Every handler run that has started and not settled. */
export function handlersInFlight(): RunningHandler[] {
  return [...inFlight.values()];
}

/** Runs that were in flight at some moment after `since` (performance.now() time): still running, or ended since. */
export function handlersActiveSince(since: number): RunningHandler[] {
  return [...inFlight.values(), ...recentlyEnded.filter((r) => (r.endedAt ?? 0) >= since)];
}
