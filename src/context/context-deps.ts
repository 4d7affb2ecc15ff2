/**
 * What the runtime gives a Context (one event, the platform adapters, the outbound layer, the bot's state
 * and timers, the handler's signal), and the parsed `/command` a handler sees.
 */
import type { Logger } from 'pino';
import type { Adapter, ConversationRef, InboundEvent, PlatformName } from '../adapters/adapter.ts';
import type { Outbound } from '../outbound/outbound.ts';
import type { StateStore } from '../state/store.ts';
import type { StreamingServices } from './streaming.ts';
import type { BotTimers, FiredTimer } from './timers.ts';

/** What the runtime gives a Context. */
export interface ContextDeps {
  event: InboundEvent;
  bot: string;
  /** Aborted when the handler's run times out (or the runtime gives up on it). Default: never aborted. */
  signal?: AbortSignal;
  /** Where `send()` posts (the event's conversation, or a schedule's target). */
  conversation: ConversationRef;
  adapterFor(platform: PlatformName): Adapter | undefined;
  outbound: Outbound;
  store: StateStore;
  log: Logger;
  config: unknown;
  match?: RegExpMatchArray;
  command?: CommandInvocation;
  /** Told of every message this Context sends (the loop guard counts them). */
  onSent?(conversation: ConversationRef): void;
  /** This bot's one-off timers (`ctx.timers`), and in a `bot.timer` handler the timer that fired (`ctx.timer`). */
  timers?: BotTimers;
  timer?: FiredTimer;
  /** The handler's registration index, in its message ids: two handlers of one bot must not share ids (a retry would be assumed). */
  handlerIndex?: number;
  /** Which try of the run this is (1, the default, is the first): a later one may find its sends already made. */
  attempt?: number;
  /** What ctx.stream() shares runtime-wide (settings, update budget, stops). Default: defaults, no stops. */
  streaming?: StreamingServices;
}

/** `/remind in 10m tea` → `{ name: 'remind', args: ['in', '10m', 'tea'], text: 'in 10m tea' }`. */
export interface CommandInvocation {
  name: string;
  args: string[];
  text: string;
}
