/**
 * Runs one due timer's handler: a Context bound to the timer's conversation around a synthetic
 * `timer.fired` event whose id names the bot and the timer. The id stays the same across retries, so
 * the handler's Stream sends keep their deterministic ids and a retry never posts twice what went
 * through, and timers it schedules derive the same ids (never scheduled twice).
 */
import type { Logger } from 'pino';
import { conversationKey, type Adapter, type ConversationRef, type InboundEvent, type PlatformName } from '../adapters/adapter.ts';
import { Context } from '../context/context.ts';
import type { StreamingServices } from '../context/streaming.ts';
import type { Outbound } from '../outbound/outbound.ts';
import type { FiredTimer } from '../scheduler/timers/info.ts';
import type { TimerRunResult } from '../scheduler/timers/timers.ts';
import type { TimerRecord } from '../scheduler/timers/types.ts';
import type { TimerEntry } from './bot.ts';
import type { HandlerRun } from './dispatcher.ts';
import type { RuntimeErrorHandler } from './hooks.ts';
import type { LoadedBot } from './loaded-bot.ts';
import { runBotHandler } from './run-bot-handler.ts';
import { runRoot } from '../telemetry/spans.ts';

export interface TimerRunDeps {
  bot: LoadedBot;
  entry: TimerEntry;
  record: TimerRecord;
  fired: FiredTimer;
  adapterFor(platform: PlatformName): Adapter | undefined;
  outbound: Outbound;
  streaming?: StreamingServices;
  timeoutMs: number;
  onRuns?(event: InboundEvent, runs: HandlerRun[]): void;
  /** bot.config.ts `onError`. */
  onError?: RuntimeErrorHandler | undefined;
}

/** Where a timer without a conversation "is": sends there fail with a message saying to give one. */
const NO_CONVERSATION: ConversationRef = { platform: 'local', id: '(no conversation: pass ctx.timers.schedule(name, when, payload, { conversation }))' };

/** The id of the synthetic event a timer's handler sees. */
export const timerEventId = (bot: string, id: string) => `timer:${bot}:${id}`;

export async function runTimer(deps: TimerRunDeps): Promise<TimerRunResult> {
  const { bot, entry, record, fired } = deps;
  const conversation = record.conversation ?? NO_CONVERSATION;
  const me = deps.adapterFor(conversation.platform)?.botUser ?? { id: 'botyard', isBot: true };
  const event: InboundEvent = {
    id: timerEventId(bot.name, record.id),
    type: 'timer.fired',
    platform: conversation.platform,
    conversation,
    sender: me,
    occurredAt: new Date(record.dueAt).toISOString(),
    raw: { timer: record.name, id: record.id, dueAt: new Date(record.dueAt).toISOString(), attempt: record.attempt, lateByMs: fired.lateByMs },
  };
  const log = bot.log.child({ timer: record.name, timerId: record.id, eventId: event.id });
  const label = `timer(${entry.name})`;
  // As events and schedule ticks: the bot's middleware first; a failure logged in one line (debug on
  // retries), then bot.onError and config onError.
  const { run, outcome } = await runBotHandler({
    bot,
    label,
    handler: entry.handler,
    outbound: deps.outbound,
    context: ({ signal, outbound, log }) =>
      new Context({ event, signal, bot: bot.name, conversation, adapterFor: deps.adapterFor, outbound, store: bot.store, timers: bot.timers, timer: fired, log, config: bot.config, attempt: record.attempt, ...(deps.streaming ? { streaming: deps.streaming } : {}) }),
    // A root span per firing, as a schedule tick's: no event started it.
    span: (fn) => runRoot('timer', { bot: bot.name, name: record.name }, fn),
    eventId: event.id,
    attempt: record.attempt,
    conversation: conversationKey(conversation),
    timeoutMs: deps.timeoutMs,
    log,
    onError: deps.onError,
  });
  deps.onRuns?.(event, [run]);
  if (outcome.timedOut) await settledOrGiveUp(outcome.settled, deps.timeoutMs, log);
  return outcome.error === undefined ? {} : { error: outcome.error, reported: true };
}

/**
 * A timed-out handler was told to stop (ctx.signal) but may still be running: its retry must not run
 * beside it. Wait for it to end, one more timeout at most; a handler that ignores its signal that long
 * is retried anyway (a timer is never given up for a stuck handler), and that is logged.
 */
async function settledOrGiveUp(settled: Promise<void>, timeoutMs: number, log: Logger): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const ended = await Promise.race([settled.then(() => true), new Promise<false>((r) => (timer = setTimeout(r, timeoutMs, false)))]);
  clearTimeout(timer);
  if (!ended) log.warn(`timer handler still running ${timeoutMs} ms after its timeout, ignoring ctx.signal; its retry may run beside it`);
}
