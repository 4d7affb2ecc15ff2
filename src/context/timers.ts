/**
 * `ctx.timers`: schedule, cancel, list and look up this bot's one-off timers from any handler.
 *
 * Retries never schedule twice: a timer without a client-chosen id gets one derived from the event
 * being handled, the bot and the n-th schedule call of this run (as sends get deterministic message ids
 * in outgoing.ts). A retried event, or a timer handler run again after a crash, derives the same ids,
 * and a backend refuses an id that is pending or fired within `timers.keepFiredMs`.
 */
import { createHash } from 'node:crypto';
import type { ConversationRef, UserRef } from '../adapters/adapter.ts';
import type { Context } from './context.ts';
import { BotyardError } from '../errors.ts';
import type { FiredTimer, TimerInfo, TimerWhen } from '../scheduler/timers/info.ts';
import type { BotTimers } from '../scheduler/timers/timers.ts';

export type { BotTimers, FiredTimer };

export interface ScheduleTimerOptions {
  /** Your own id: scheduling the same id again is a no-op while it is pending (or fired within a day). */
  id?: string;
  /** Where the handler's `ctx.send` posts. Default: this conversation. */
  conversation?: ConversationRef | string;
  /** Who it is for (`list({ user })`). Default: who sent this event (in a timer handler, that timer's user). */
  user?: UserRef | string;
}

export interface TimersListFilter {
  conversation?: ConversationRef | string;
  user?: UserRef | string;
}

/** What a Context knows that ctx.timers needs. */
export interface ContextTimersDeps {
  timers: BotTimers | undefined;
  bot: string;
  eventId: string;
  conversation: ConversationRef;
  /** The default `user` of a timer scheduled here, if any. */
  user: UserRef | undefined;
}

/** A stable id for the `n`th timer a bot schedules while handling one event. */
export function deterministicTimerId(eventId: string, bot: string, n: number): string {
  return `t-${createHash('sha256').update(`${eventId}\u0000${bot}\u0000timer\u0000${n}`).digest('hex').slice(0, 24)}`;
}

/**
 * `ctx.timers` of `ctx`: timers it schedules default to its conversation, and to its sender (in a timer
 * handler, that timer's user; on a schedule tick, nobody, as the bot itself "sent" it).
 */
export function timersOf(ctx: Context, timers: BotTimers | undefined): ContextTimers {
  const synthetic = ctx.event.type === 'schedule.tick' || ctx.event.type === 'timer.fired';
  return new ContextTimers({
    timers,
    bot: ctx.bot,
    eventId: ctx.event.id,
    conversation: ctx.conversation,
    user: ctx.timer ? ctx.timer.user : synthetic ? undefined : ctx.sender,
  });
}

export class ContextTimers {
  private calls = 0;

  constructor(private readonly deps: ContextTimersDeps) {}

  /**
   * Schedules `bot.timer(name)`'s handler once at `when` (`{ in: '10m' }` or `{ at: Date | ISO }`), with
   * `payload` (JSON) as `ctx.timer.payload`. Resolves to the timer's id.
   */
  schedule(name: string, when: TimerWhen, payload?: unknown, options: ScheduleTimerOptions = {}): Promise<string> {
    // Counted before any await, so the n-th call of a run always derives the n-th id.
    const n = this.calls++;
    const user = options.user === undefined ? this.deps.user : typeof options.user === 'string' ? { id: options.user } : options.user;
    return this.scope().schedule({
      name,
      when,
      payload,
      id: options.id ?? deterministicTimerId(this.deps.eventId, this.deps.bot, n),
      conversation: options.conversation ?? this.deps.conversation,
      ...(user ? { user } : {}),
    });
  }

  /** Cancels a pending timer of this bot on every instance; false when there is none (or it is firing now). */
  cancel(id: string): Promise<boolean> {
    return this.scope().cancel(id);
  }

  /** This bot's pending timers, earliest first; optionally only one conversation's or one user's. */
  list(filter: TimersListFilter = {}): Promise<TimerInfo[]> {
    return this.scope().list(filter);
  }

  /** A pending timer of this bot, or undefined (never scheduled, cancelled, or fired). */
  get(id: string): Promise<TimerInfo | undefined> {
    return this.scope().get(id);
  }

  private scope(): BotTimers {
    if (!this.deps.timers) throw new BotyardError('TIMERS_UNAVAILABLE', 'ctx.timers is not available in this Context: it needs a runtime (createRuntime or botyard/testing)');
    return this.deps.timers;
  }
}
