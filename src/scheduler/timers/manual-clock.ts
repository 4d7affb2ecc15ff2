/**
 * A clock that moves only when told: the test kit's `t.clock`. `advance('10m')` runs every wake-up
 * that falls due on the way, earliest first, each one awaited (with `settle` after it), so timers fire
 * in order and their handlers have finished when it resolves. No real time passes.
 */
import type { Clock, ClockTimer } from './clock.ts';
import { toMs } from './duration.ts';

interface Wake {
  due: number;
  seq: number;
  fn: () => unknown;
}

export interface ManualClock extends Clock {
  /** Moves time forward by `by` ('10m', '1h30m', or ms), firing what falls due, in order. */
  advance(by: string | number): Promise<void>;
  /** Moves time forward to `to` (never backward), firing what falls due, in order. */
  advanceTo(to: Date | number): Promise<void>;
  /**
   * Moves time forward by `by` WITHOUT firing anything: as if the process was down meanwhile. What fell
   * due fires, late, at the next `advance` (`advance(0)` fires it at once).
   */
  jump(by: string | number): void;
  /** Wake-ups waiting, earliest first (for assertions). */
  pending(): Date[];
}

export interface ManualClockOptions {
  /** Where time starts (ms since the epoch). Default: the real time now. */
  start?: number;
  /** Awaited after every wake-up (the test kit waits for the runtime to be idle). */
  settle?: () => Promise<void>;
}

/** More wake-ups than this in one advance means something re-arms itself without moving time. */
const MAX_WAKES_PER_ADVANCE = 100_000;

export function createManualClock(options: ManualClockOptions = {}): ManualClock {
  let now = options.start ?? Date.now();
  let seq = 0;
  const wakes = new Set<Wake>();
  let running: Promise<void> = Promise.resolve();

  const earliest = (limit: number): Wake | undefined => {
    let best: Wake | undefined;
    for (const w of wakes) if (w.due <= limit && (!best || w.due < best.due || (w.due === best.due && w.seq < best.seq))) best = w;
    return best;
  };

  const advanceTo = async (target: number) => {
    for (let n = 0; ; n++) {
      if (n > MAX_WAKES_PER_ADVANCE) throw new Error(`clock.advance: over ${MAX_WAKES_PER_ADVANCE} wake-ups without reaching the target; something re-arms itself at no delay`);
      const next = earliest(target);
      if (!next) break;
      wakes.delete(next);
      now = Math.max(now, next.due);
      await next.fn();
      await options.settle?.();
    }
    now = Math.max(now, target);
  };

  /** Advances run one after another, so two concurrent calls never interleave their wake-ups. */
  const serialized = (target: () => number) => {
    const step = running.then(() => advanceTo(target()));
    running = step.catch(() => {});
    return step;
  };

  return {
    now: () => now,
    setTimer(fn, ms): ClockTimer {
      const wake: Wake = { due: now + Math.max(0, ms), seq: seq++, fn };
      wakes.add(wake);
      return { cancel: () => void wakes.delete(wake) };
    },
    advance: (by) => {
      const ms = toMs(by, 'clock.advance');
      return serialized(() => now + ms);
    },
    advanceTo: (to) => serialized(() => (typeof to === 'number' ? to : to.getTime())),
    jump(by) {
      now += toMs(by, 'clock.jump');
    },
    pending: () => [...wakes].sort((a, b) => a.due - b.due || a.seq - b.seq).map((w) => new Date(w.due)),
  };
}
