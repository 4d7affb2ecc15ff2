/**
 * The public shapes of timers: what `ctx.timers.get/list` return, what a timer's handler sees as
 * `ctx.timer`, and what the runtime reports to the console.
 */
import type { ConversationRef, UserRef } from '../../adapters/adapter.ts';
import type { StoredTimer } from './types.ts';

/** A pending (or failed) timer. */
export interface TimerInfo {
  id: string;
  bot: string;
  name: string;
  /** When it is due, as scheduled. */
  dueAt: Date;
  payload: unknown;
  conversation?: ConversationRef;
  /** Who it is for: by default the user whose message scheduled it. */
  user?: UserRef;
  /** 'pending' (waiting, or firing now), or 'failed' once every try failed. */
  state: 'pending' | 'failed';
  /** The try it is on (1 until a handler failed). */
  attempt: number;
  /** When it will be handed to its handler: dueAt, or a retry's time. */
  nextRunAt: Date;
  /** The last failure, on retried and failed timers. */
  error?: string;
}

/** `ctx.timer` in a `bot.timer(name, handler)` handler. */
export interface FiredTimer {
  id: string;
  name: string;
  dueAt: Date;
  payload: unknown;
  /** True when it fired more than `timers.lateAfterMs` (default one minute) after `dueAt`: e.g. no instance was running then. */
  late: boolean;
  /** How long after `dueAt` it fired, in ms (0 when on time or early). */
  lateByMs: number;
  /** 1 on the first try; more when earlier tries failed. */
  attempt: number;
  user?: UserRef;
  conversation?: ConversationRef;
}

/** When a timer is due: `{ at: Date | ISO string | ms since epoch }` or `{ in: '10m' | ms }`. */
export type TimerWhen = { at: Date | string | number } | { in: string | number };

export function toTimerInfo(t: StoredTimer): TimerInfo {
  return {
    id: t.id,
    bot: t.bot,
    name: t.name,
    dueAt: new Date(t.dueAt),
    payload: t.payload,
    ...(t.conversation ? { conversation: t.conversation } : {}),
    ...(t.user ? { user: t.user } : {}),
    state: t.state,
    attempt: t.attempt,
    nextRunAt: new Date(t.runAt),
    ...(t.error ? { error: t.error } : {}),
  };
}
