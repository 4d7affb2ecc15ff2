/**
 * Two waits of the ACS poller: how long a recheck may wait for its second to close within a cycle, and a
 * timed wait that can be ended early (the poll loop's interval, which nudge() and stop() cut short, and
 * a cycle's wait for its deferred rechecks, which stop() does).
 */
import { secondClosesIn, type ThreadCursor } from './cursor.ts';

/**
 * A thread read again only because its listed second was still open (no news) is read later in the
 * same cycle, after that second closes, when that is at most this far off: read now, it would still be
 * open and cost a third read next cycle. Covers SERVICE_CLOCK_MARGIN_MS and a service clock learnt a
 * little low; only such rechecks wait, so a message that shared the second is found at most this late.
 */
export const RECHECK_DEFER_MAX_MS = 300;

/**
 * For a recheck whose second closes within RECHECK_DEFER_MAX_MS, and before `nextCycleAt` (waiting
 * must never delay the next cycle, which would add to every thread's detection time): how long until
 * it does. Else undefined: read now. Arguments as for `secondClosesIn`.
 */
export function recheckWaitMs(cursor: ThreadCursor, subSecondService: boolean, skewMs: number, now: number, serviceNow: number | undefined, nextCycleAt: number): number | undefined {
  const closesIn = secondClosesIn(cursor, subSecondService, skewMs, now, serviceNow);
  return closesIn !== undefined && closesIn > 0 && closesIn <= RECHECK_DEFER_MAX_MS && now + closesIn < nextCycleAt ? closesIn : undefined;
}

/** A timed wait that `wake()` ends at once (resolving it); one wait at a time. */
export function wakeableSleep() {
  let timer: NodeJS.Timeout | undefined;
  let wakeUp: (() => void) | undefined;
  return {
    sleep: (ms: number) =>
      new Promise<void>((resolve) => {
        wakeUp = resolve;
        timer = setTimeout(resolve, ms);
      }),
    wake() {
      if (timer) clearTimeout(timer);
      wakeUp?.();
    },
  };
}
