/**
 * One run of one bot handler with the bot's hooks, as every handler path needs it (events in the
 * dispatcher, schedule ticks, one-off timers): the bot's middleware (`bot.use`) and then the handler,
 * inside runHandler (so the timeout, ctx.signal and the handler scope cover both), and on failure one
 * reported line with where in the bot's code it failed, then `bot.onError` and config `onError`.
 * With tracing on, the run has a span (`span`: the event's handler span, or a root span for a tick or a
 * timer): the Context's outbound calls become its children and its log lines (and the failure's) carry
 * its trace and span ids.
 */
import type { Logger } from 'pino';
import type { Context } from '../context/context.ts';
import type { Outbound } from '../outbound/outbound.ts';
import type { SpanScope } from '../telemetry/spans.ts';
import { tracedOutbound } from '../telemetry/traced-outbound.ts';
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
  /** What the handler's Context sends through (traced under the run's span). */
  outbound: Outbound;
  /** Builds the handler's Context around the run's signal, outbound and log. */
  context(run: HandlerRunScope): Context;
  /**
   * Opens the run's span around middleware and handler: traceHandler for an event, runRoot for a
   * schedule tick or a timer. Absent, or tracing off: no span (`scope` undefined).
   */
  span?(fn: (scope: SpanScope | undefined) => Promise<void>): Promise<void>;
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

/** What a run's Context is built from: its signal, and the outbound and log under the run's span. */
export interface HandlerRunScope {
  signal: AbortSignal;
  outbound: Outbound;
  log: Logger;
}

const unspanned = (fn: (scope: SpanScope | undefined) => Promise<void>) => fn(undefined);

/** Runs the handler behind the bot's middleware; never throws. The run's record, and runHandler's outcome. */
export async function runBotHandler(options: BotHandlerRunOptions): Promise<{ run: HandlerRun; outcome: HandlerOutcome }> {
  const { bot, label } = options;
  let ctx: Context | undefined;
  let ran = true;
  let log = options.log;
  const outcome = await runHandler({
    bot: bot.name,
    label,
    timeoutMs: options.timeoutMs,
    invoke: (signal) =>
      (options.span ?? unspanned)(async (scope) => {
        if (scope?.logFields) log = options.log.child(scope.logFields);
        const context = (ctx = options.context({ signal, outbound: tracedOutbound(options.outbound, scope), log }));
        try {
          ran = await runWithMiddleware(bot.registration.middleware, context, options.handler);
        } finally {
          await context.settle(); // a deferred typing start (context/typing.ts) belongs to this run
        }
      }),
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
      log,
      timeoutMs: options.timeoutMs,
    });
    if (at) run.at = at;
  } else if (!ran) {
    run.skipped = 'middleware';
  }
  return { run, outcome };
}
