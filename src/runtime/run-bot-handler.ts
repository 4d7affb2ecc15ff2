/**
 * One run of one bot handler with the bot's hooks, as every handler path needs it (events in the
 * dispatcher, schedule ticks, one-off timers): the bot's middleware (`bot.use`) and then the handler,
 * inside runHandler (so the timeout, ctx.signal and the handler scope cover both), and on failure one
 * reported line with where in the bot's code it failed, then `bot.onError` and config `onError`.
 */
import type { Logger } from 'pino';
import type { Context } from '../context/context.ts';
import type { Handler } from './bot.ts';
import type { HandlerRun } from './dispatcher.ts';
import { reportFailure, runWithMiddleware, type RuntimeErrorHandler } from './hooks.ts';
import type { LoadedBot } from './loaded-bot.ts';
import { errorMessage, runHandler, type HandlerOutcome } from './run-handler.ts';

export interface BotHandlerRunOptions {
  bot: LoadedBot;
  /** The handler's label: `hear(/hello/i)`, `schedule(0 9 * * 1)`, `timer(remind)`. */
  label: string;
  handler: Handler;
  /** Builds the handler's Context around the run's signal. */
  context(signal: AbortSignal): Context;
  eventId: string;
  /** 1 on the first try. */
  attempt: number;
  /** `conversationKey` of where it runs, for config onError. */
  conversation: string;
  timeoutMs: number;
  log: Logger;
  /** bot.config.ts `onError`. */
  onError?: RuntimeErrorHandler | undefined;
  /** Told of the outcome before a failure is reported (the overrun guard must hear of a timeout at once). */
  settled?(outcome: HandlerOutcome): void;
}

/** Runs the handler behind the bot's middleware; never throws. The run's record, and runHandler's outcome. */
export async function runBotHandler(options: BotHandlerRunOptions): Promise<{ run: HandlerRun; outcome: HandlerOutcome }> {
  const { bot, label } = options;
  let ctx: Context | undefined;
  let ran = true;
  const outcome = await runHandler({
    bot: bot.name,
    label,
    timeoutMs: options.timeoutMs,
    invoke: async (signal) => {
      ctx = options.context(signal);
      ran = await runWithMiddleware(bot.registration.middleware, ctx, options.handler);
    },
  });
  options.settled?.(outcome);
  const run: HandlerRun = { bot: bot.name, handler: label, ms: outcome.ms };
  if (outcome.error !== undefined) {
    run.error = errorMessage(outcome.error);
    const info = { bot: bot.name, handler: label, eventId: options.eventId, attempt: options.attempt, timedOut: outcome.timedOut === true };
    const at = await reportFailure({
      error: outcome.error,
      ctx,
      info,
      conversation: options.conversation,
      handlers: bot.registration.errorHandlers,
      runtimeOnError: options.onError,
      log: options.log,
      timeoutMs: options.timeoutMs,
    });
    if (at) run.at = at;
  } else if (!ran) {
    run.skipped = 'middleware';
  }
  return { run, outcome };
}
