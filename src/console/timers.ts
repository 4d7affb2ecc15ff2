/**
 * Pending one-off timers (`bot.timer` / `ctx.timers`) as the console lists them; "fire now" and
 * "cancel" go to the runtime's timer service (`runtime.timers.fireNow` / `cancel`).
 */
import type { ConversationRef } from '../adapters/adapter.ts';
import type { TimerInfo } from '../scheduler/timers/info.ts';
import type { ConsoleTimer } from './types.ts';

const payloadText = (payload: unknown) => {
  if (payload === undefined) return undefined;
  const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
  return text.length > 120 ? `${text.slice(0, 120)}…` : text;
};

export function toConsoleTimer(t: TimerInfo, conversationName: (ref: ConversationRef) => string | undefined): ConsoleTimer {
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
