/**
 * What happens to a timer that fires late, or whose handler fails: one place, shared by all backends.
 *
 * Late: a timer is late when it fires more than `lateAfterMs` (default one minute) after its due time,
 * typically because no instance was running at that time. Per timer name the policy is
 * - `'fire'` (default): run it anyway; the handler sees `ctx.timer.late === true` and `lateByMs`;
 * - `'skip'`: drop it, logged;
 * - a duration (`'2h'` or ms): run it if it is at most that late, else drop it, logged.
 * `bot.timer(name, { late }, h)` sets it in code; `timers.late['<bot>/<name>']` in bot.config.ts wins.
 *
 * Failure: a handler that throws or times out is tried again after `backoffMs`, doubling each time
 * (capped at ten minutes), up to `maxAttempts` tries in all (default 5: about 75 s with the 5 s default),
 * so a platform outage of a minute loses nothing. After the last try the timer is kept as `failed`
 * (logged; the console can fire it again), never silently dropped. Retries keep the timer's event id, so
 * Stream sends in the handler keep their ids and a retry never posts twice what went through.
 */
import { toMs } from './duration.ts';

/** `'fire'`, `'skip'`, or the most lateness to still fire at (`'2h'`, or ms). */
export type LatePolicy = 'fire' | 'skip' | string | number;

export interface TimerSettings {
  maxAttempts: number;
  backoffMs: number;
  lateAfterMs: number;
  keepFiredMs: number;
  concurrency: number;
  /** Late policy by `<bot>/<timer name>`, over what the bot said in code. */
  late: Record<string, LatePolicy>;
}

export const DEFAULT_TIMER_SETTINGS: TimerSettings = {
  maxAttempts: 5,
  backoffMs: 5000,
  lateAfterMs: 60_000,
  keepFiredMs: 24 * 60 * 60 * 1000,
  concurrency: 16,
  late: {},
};

const MAX_BACKOFF_MS = 10 * 60_000;

/** Throws a TypeError naming `where` unless `policy` is 'fire', 'skip' or a duration. */
export function checkLatePolicy(policy: LatePolicy, where: string): void {
  if (policy === 'fire' || policy === 'skip') return;
  toMs(policy, `${where} (a late policy is 'fire', 'skip' or a maximum lateness such as '2h')`);
}

/** Whether a timer `lateByMs` late still runs under `policy`. */
export function runsWhenLate(policy: LatePolicy, lateByMs: number, lateAfterMs: number): boolean {
  if (lateByMs <= lateAfterMs || policy === 'fire') return true;
  if (policy === 'skip') return false;
  return lateByMs <= toMs(policy, 'late policy');
}

/** When try `attempt + 1` runs after try `attempt` failed at `now`, or undefined when there is none. */
export function retryAt(settings: Pick<TimerSettings, 'maxAttempts' | 'backoffMs'>, attempt: number, now: number): number | undefined {
  if (attempt >= settings.maxAttempts) return undefined;
  return now + Math.min(settings.backoffMs * 2 ** (attempt - 1), MAX_BACKOFF_MS);
}
