/**
 * Pending one-off timers (`bot.timer` / `ctx.timers`, issue 11) as the console lists them, with
 * "fire now" and "cancel". Reads the runtime's timer service through the three calls it offers the
 * console (`listAll`, `fireNow`, `cancel`); a runtime without timers answers 404 saying so.
 */
import type { ConversationRef, UserRef } from '../adapters/adapter.ts';
import type { Runtime } from '../runtime/runtime.ts';
import { ConsoleError } from './platform.ts';
import type { ConsoleTimer } from './types.ts';

/** The timer fields the console reads (TimerInfo in src/scheduler/timers/info.ts). */
interface TimerInfoLike {
  id: string;
  bot: string;
  name: string;
  dueAt: Date;
  payload: unknown;
  conversation?: ConversationRef;
  user?: UserRef;
  state: 'pending' | 'failed';
  attempt: number;
  nextRunAt: Date;
  error?: string;
}

/** What the runtime's timer service offers the console. */
export interface TimerControl {
  listAll(): Promise<TimerInfoLike[]>;
  fireNow(bot: string, id: string): Promise<boolean>;
  cancel(bot: string, id: string): Promise<boolean>;
}

/** The runtime's timers, when it has them. */
export function timersOf(runtime: Runtime): TimerControl | undefined {
  const t = (runtime as { timers?: Partial<TimerControl> }).timers;
  return t && typeof t.listAll === 'function' && typeof t.fireNow === 'function' && typeof t.cancel === 'function' ? (t as TimerControl) : undefined;
}

const payloadText = (payload: unknown) => {
  if (payload === undefined) return undefined;
  const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
  return text.length > 120 ? `${text.slice(0, 120)}…` : text;
};

export function toConsoleTimer(t: TimerInfoLike, conversationName: (ref: ConversationRef) => string | undefined): ConsoleTimer {
  const payload = payloadText(t.payload);
  return {
    bot: t.bot,
    id: t.id,
    name: t.name,
    dueAt: new Date(t.dueAt).toISOString(),
    nextRunAt: new Date(t.nextRunAt).toISOString(),
    state: t.state,
    attempt: t.attempt,
    ...(t.conversation ? { conversation: `${t.conversation.platform}:${t.conversation.id}`, conversationName: conversationName(t.conversation) ?? t.conversation.id } : {}),
    ...(t.user ? { user: t.user.name ?? t.user.id } : {}),
    ...(payload !== undefined ? { payload } : {}),
    ...(t.error ? { error: t.error } : {}),
  };
}

/** The timer service, or a 404 that says this runtime has none. */
export function requireTimers(runtime: Runtime): TimerControl {
  const timers = timersOf(runtime);
  if (!timers) throw new ConsoleError(404, 'this runtime has no one-off timers (bot.timer / ctx.timers)');
  return timers;
}
