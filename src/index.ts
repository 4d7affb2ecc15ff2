/**
 * botyard: a runtime for chat bots on Stream Chat and Azure Communication Services.
 *
 * ```ts
 * import { defineBot } from 'botyard';
 *
 * export default defineBot({
 *   name: 'hello',
 *   setup(bot) {
 *     bot.hear(/^hello/i, (ctx) => ctx.reply(`Hello, ${ctx.mention(ctx.sender)}!`));
 *   },
 * });
 * ```
 *
 * @module
 */

// Commonly used: writing bots and their config.
export { defineBot, BotBuilder } from './runtime/bot.ts';
export type { BotDefinition, Handler, ScheduleOptions, BotOptions, TimerOptions } from './runtime/bot.ts';
export type { FiredTimer, TimerInfo, TimerWhen } from './scheduler/timers/info.ts';
export type { ContextTimers, ScheduleTimerOptions, TimersListFilter } from './context/timers.ts';
export type { LatePolicy } from './scheduler/timers/policy.ts';
export type { Middleware, BotErrorHandler, RuntimeErrorHandler, FailureInfo } from './runtime/hooks.ts';
export { defineConfig } from './config/load.ts';
export type { BotyardConfig } from './config/load.ts';
export { Context } from './context/context.ts';
export type { CommandInvocation } from './context/context.ts';
export type { Outgoing } from './context/outgoing.ts';
export { DecisionContext, DEFAULT_REJECT_NOTICE } from './context/decision.ts';
export type { Decision, RejectOptions, RewriteOptions } from './context/decision.ts';
export type { BeforeSendOutcome, BeforeSendRun, BeforeSendPolicy } from './runtime/before-send/types.ts';
// Streamed replies and history (ctx.stream, ctx.history).
export type { StreamOptions, StreamedMessage } from './context/stream-reply.ts';
export type { StreamOutcome, StreamProgress } from './context/streaming.ts';
export type { TextSource, TextSourceInput } from './context/text-source.ts';
export type { HistoryOptions } from './context/history.ts';

// The normalized model every platform maps onto.
export type {
  AiState,
  Attachment,
  BanOptions,
  Capability,
  ConversationRef,
  EventType,
  InboundEvent,
  Message,
  ModerationDetails,
  OutgoingMessage,
  PlatformName,
  PreSendRequest,
  PreSendRewrite,
  PreSendVerdict,
  Rejection,
  SentMessage,
  UserRef,
} from './adapters/adapter.ts';
export { CAPABILITIES, EVENT_TYPES, parseConversation, conversationKey } from './adapters/adapter.ts';

// Errors, with stable codes.
export { BotyardError, ConfigError, BotLoadError, NotSupportedError, PlatformError, HandlerTimeoutError } from './errors.ts';

// Running botyard from your own code.
export { createRuntime } from './runtime/runtime.ts';
export type { Runtime, RuntimeOptions } from './runtime/runtime.ts';
export { loadConfig } from './config/load.ts';
export type { StateStore } from './state/store.ts';
export { createMemoryStore } from './state/memory.ts';
export type { TimerBackend } from './scheduler/timers/types.ts';
export { createMemoryTimers } from './scheduler/timers/memory.ts';
export { z } from 'zod';
