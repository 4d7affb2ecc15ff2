/**
 * Runs one schedule tick: a Context bound to the schedule's target conversation, around a synthetic
 * `schedule.tick` event whose id names the bot, schedule and slot. That id makes the tick's sends
 * idempotent: two instances that both ran a slot would still post one Stream message.
 */
import type { Logger } from 'pino';
import { conversationKey, parseConversation, type Adapter, type ConversationRef, type InboundEvent, type PlatformName } from '../adapters/adapter.ts';
import { Context } from '../context/context.ts';
import type { StreamingServices } from '../context/streaming.ts';
import type { Outbound } from '../outbound/outbound.ts';
import type { ScheduleEntry } from './bot.ts';
import type { HandlerRun } from './dispatcher.ts';
import type { LoadedBot } from './loaded-bot.ts';
import type { RuntimeErrorHandler } from './hooks.ts';
import { runBotHandler } from './run-bot-handler.ts';

export interface TickDeps {
  bot: LoadedBot;
  entry: ScheduleEntry;
  slot: Date;
  /** A run of a tick missed while no instance was running (the schedule's catchUp: 'once'). */
  catchUp?: boolean;
  adapterFor(platform: PlatformName): Adapter | undefined;
  outbound: Outbound;
  streaming?: StreamingServices;
  log: Logger;
  timeoutMs: number;
  onRuns?(event: InboundEvent, runs: HandlerRun[]): void;
  /** bot.config.ts `onError`. */
  onError?: RuntimeErrorHandler | undefined;
}

/** Where a schedule without a target "is": sends there fail with a message saying to set `target`. */
const NO_TARGET: ConversationRef = { platform: 'local', id: '(no target: set schedule(cron, { target }) to post somewhere)' };

export async function runScheduledTick(deps: TickDeps): Promise<void> {
  const { bot, entry, slot } = deps;
  const target = entry.options.target ? parseConversation(entry.options.target) : NO_TARGET;
  const me = deps.adapterFor(target.platform)?.botUser ?? { id: 'botyard', isBot: true };
  const event: InboundEvent = {
    id: `schedule:${bot.name}:${entry.name}:${slot.toISOString()}`,
    type: 'schedule.tick',
    platform: target.platform,
    conversation: target,
    sender: me,
    occurredAt: slot.toISOString(),
    raw: { schedule: entry.name, cron: entry.cron, slot: slot.toISOString(), ...(deps.catchUp ? { catchUp: true } : {}) },
  };
  const log = bot.log.child({ schedule: entry.name, eventId: event.id });
  const label = `schedule(${entry.cron})`;
  const { run } = await runBotHandler({
    bot,
    label,
    handler: entry.handler,
    context: (signal) => new Context({ event, signal, bot: bot.name, conversation: target, adapterFor: deps.adapterFor, outbound: deps.outbound, store: bot.store, timers: bot.timers, log, config: bot.config, ...(deps.streaming ? { streaming: deps.streaming } : {}) }),
    eventId: event.id,
    attempt: 1,
    conversation: conversationKey(target),
    timeoutMs: deps.timeoutMs,
    log,
    onError: deps.onError,
  });
  deps.onRuns?.(event, [run]);
}
