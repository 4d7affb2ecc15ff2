/**
 * The firing loop of the backends that keep their own due times (memory, SQLite): sleep until the
 * nearest run time (never polling every second), claim what is due, hand each to `onDue` with at most
 * `concurrency` in flight, carry out the decision, sleep again. `poke()` after a schedule or cancel
 * re-arms the sleep when the nearest run time moved.
 *
 * A wake-up resolves once the timers it claimed are settled, so a manual clock (the test kit) that
 * awaits each wake-up sees handlers finished, in due order, before time moves on.
 */
import type { Logger } from 'pino';
import type { Clock, ClockTimer } from './clock.ts';
import type { DueHandler, FireDecision, TimerRecord } from './types.ts';

export interface DueLoopSource {
  /** The earliest run time among pending timers nobody is firing, if any. */
  nextRunAt(): Promise<number | undefined> | number | undefined;
  /** Claims up to `limit` timers due at `now`, earliest first, so no other loop takes them. */
  claimDue(now: number, limit: number): Promise<TimerRecord[]> | TimerRecord[];
  /** Carries out what became of a claimed timer (and releases the claim). */
  settle(timer: TimerRecord, decision: FireDecision): Promise<void> | void;
}

export interface DueLoopOptions {
  clock: Clock;
  concurrency: number;
  source: DueLoopSource;
  log?: Logger;
  /** Sleep at most this long, then look again (catches writes this loop was not poked about). Default: no cap. */
  maxSleepMs?: number;
}

/** A throwing `onDue` (it should not) is retried after this long. */
const CRASHED_HANDLER_RETRY_MS = 1000;

export function createDueLoop(options: DueLoopOptions) {
  const { clock, source, log } = options;
  let onDue: DueHandler | undefined;
  let armed: { at: number; timer: ClockTimer } | undefined;
  let stopped = false;
  const inFlight = new Set<Promise<void>>();

  const disarm = () => {
    armed?.timer.cancel();
    armed = undefined;
  };

  /** Sleeps until the nearest run time (or `maxSleepMs`), unless already armed no later than that. */
  const rearm = async () => {
    if (stopped || !onDue) return;
    // Every slot busy: a finishing timer re-arms; arming now would spin on what it cannot take.
    if (inFlight.size >= options.concurrency) return disarm();
    const next = await source.nextRunAt();
    if (stopped) return;
    const now = clock.now();
    let at = next ?? Number.POSITIVE_INFINITY;
    if (options.maxSleepMs !== undefined) at = Math.min(at, now + options.maxSleepMs);
    if (!Number.isFinite(at)) return disarm();
    if (armed && armed.at <= at) return;
    disarm();
    const entry = { at, timer: clock.setTimer(() => { if (armed === entry) armed = undefined; return wake(); }, at - now) };
    armed = entry;
  };

  const fireOne = async (timer: TimerRecord) => {
    let decision: FireDecision;
    try {
      decision = await onDue!(timer);
    } catch (err) {
      log?.error({ err, bot: timer.bot, timer: timer.id }, 'timer handler wrapper threw; retrying');
      decision = { kind: 'retry', at: clock.now() + CRASHED_HANDLER_RETRY_MS, error: String(err) };
    }
    try {
      await source.settle(timer, decision);
    } catch (err) {
      log?.error({ err, bot: timer.bot, timer: timer.id }, 'could not record what became of a timer; it will be handed over again');
    }
  };

  /** Claims what is due and fires it; resolves when those timers are settled. */
  const wake = async (): Promise<void> => {
    if (stopped || !onDue) return;
    const free = options.concurrency - inFlight.size;
    let claimed: TimerRecord[] = [];
    if (free > 0) {
      try {
        claimed = await source.claimDue(clock.now(), free);
      } catch (err) {
        log?.error({ err }, 'could not read due timers; trying again shortly');
      }
    }
    const batch = claimed.map((t) => {
      const p = fireOne(t).finally(() => {
        inFlight.delete(p);
        // A slot is free, and the settle may have moved a run time: look again (awaited, so a manual
        // clock sees the new wake-up before it moves on).
        return rearm();
      });
      inFlight.add(p);
      return p;
    });
    await rearm();
    await Promise.all(batch);
  };

  return {
    start(handler: DueHandler): void {
      if (onDue) throw new Error('This timer backend is already started');
      onDue = handler;
      void rearm();
    },
    /**
     * The nearest run time may have changed (a schedule, a cancel, a fire-now). Given the run time of
     * the timer that changed, nothing is read when the loop already wakes no later than that.
     */
    poke(at?: number): void {
      if (at !== undefined && armed && armed.at <= at) return;
      void rearm();
    },
    async stop(timeoutMs = 10_000): Promise<void> {
      stopped = true;
      disarm();
      if (!inFlight.size) return;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.allSettled([...inFlight]), new Promise((r) => (timer = setTimeout(r, timeoutMs)))]);
      clearTimeout(timer);
    },
  };
}

export type DueLoop = ReturnType<typeof createDueLoop>;
