/**
 * Runs one bot handler in isolation: its own AbortController (aborted at the timeout, exposed to the
 * handler as `ctx.signal`), a timeout that stops the wait, and every throw caught and reported.
 * The dispatcher (events), schedule ticks and one-off timers all run handlers through here, so
 * containment rules live in one place.
 */
import { HandlerTimeoutError } from '../errors.ts';
import { beginRun, runAs } from './handler-scope.ts';

export interface HandlerRunOptions {
  bot: string;
  /** A readable name for logs: `hear(/hello/i)`, `schedule(0 9 * * 1)`. */
  label: string;
  timeoutMs: number;
  /** Calls the handler; `signal` aborts when the run times out (or the runtime stops). */
  invoke(signal: AbortSignal): unknown;
}

export interface HandlerOutcome {
  /** Wall time until the handler settled or timed out, in ms (two decimals). */
  ms: number;
  /** What the handler threw, or the HandlerTimeoutError; absent on success. */
  error?: unknown;
  /** True when the run was abandoned at its timeout (the handler's promise may still be running). */
  timedOut?: boolean;
  /** The handler's own promise: settles when the handler really ends, even after a timeout. */
  settled: Promise<void>;
}

/** Runs `invoke` under a timeout and an AbortSignal; never throws. */
export async function runHandler(options: HandlerRunOptions): Promise<HandlerOutcome> {
  const controller = new AbortController();
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  // Inside the handler's scope: its code (and whatever it starts) can be told apart from the runtime's.
  const who = { bot: options.bot, label: options.label };
  const tracked = beginRun(who);
  const work = runAs(who, () =>
    Promise.resolve().then(() => {
      const sliceStart = performance.now();
      try {
        return options.invoke(controller.signal);
      } finally {
        tracked.run.firstSliceEndedAt = performance.now();
        tracked.run.firstSliceMs = tracked.run.firstSliceEndedAt - sliceStart;
      }
    }),
  );
  const settled = work.then(
    () => undefined,
    () => undefined,
  );
  tracked.settles(settled);
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new HandlerTimeoutError(options.bot, options.label, options.timeoutMs);
      controller.abort(error);
      reject(error);
    }, options.timeoutMs);
  });
  const outcome: HandlerOutcome = { ms: 0, settled };
  try {
    await Promise.race([work, timeout]);
  } catch (error) {
    outcome.error = error;
    if (error instanceof HandlerTimeoutError) outcome.timedOut = true;
  } finally {
    clearTimeout(timer);
  }
  outcome.ms = Math.round((performance.now() - started) * 100) / 100;
  return outcome;
}

/** The message of whatever a handler threw, for HandlerRun.error. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
