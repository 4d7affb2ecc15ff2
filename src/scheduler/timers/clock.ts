/**
 * Time, injected. The runtime reads the time and sets wake-ups only through a Clock, so the test kit
 * can drive it (`t.clock.advance('10m')`) and everything that falls due fires in order, with no
 * sleeping. Production uses `systemClock`.
 */

/** A wake-up set on a clock; `cancel()` drops it. */
export interface ClockTimer {
  cancel(): void;
}

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /**
   * Calls `fn` once `ms` have passed on this clock. A manual clock awaits what `fn` returns before it
   * moves on, so a wake-up's work is finished when `advance` resolves.
   */
  setTimer(fn: () => unknown, ms: number): ClockTimer;
}

/** setTimeout refuses delays above 2^31-1 ms (~24.8 days); longer waits are re-armed in steps. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** The real clock: Date.now and setTimeout (unref'd, so a pending wake-up never keeps a process alive). */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(fn, ms) {
    const due = Date.now() + Math.max(0, ms);
    let handle: NodeJS.Timeout;
    const arm = () => {
      const left = due - Date.now();
      handle = setTimeout(() => (left > MAX_TIMEOUT_MS ? arm() : void fn()), Math.min(Math.max(0, left), MAX_TIMEOUT_MS));
      handle.unref();
    };
    arm();
    return { cancel: () => clearTimeout(handle) };
  },
};
