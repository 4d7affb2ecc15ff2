/**
 * A bot's global hooks: `bot.use(middleware)` runs before each of the bot's handlers and may stop it;
 * `bot.onError(handler)` hears about each of the bot's handlers that failed. A runtime-wide `onError`
 * in bot.config.ts hears about every bot's failures (for alerting).
 *
 * Every handler path (events, schedule ticks, timers) runs through run-bot-handler.ts, which calls
 * `runWithMiddleware` inside the handler's run (so the handler's timeout and ctx.signal cover the
 * middleware too) and `reportFailure` after a failed run.
 */
import type { Logger } from 'pino';
import type { Context } from '../context/context.ts';
import type { Handler } from './bot.ts';
import { conciseError, formatLocation, locateError } from './error-location.ts';
import { runHandler } from './run-handler.ts';

/**
 * Runs before each of this bot's handlers with that handler's Context. Call `next()` to run the handler
 * (and any later middleware); return without calling it to stop the handler. Code after `await next()`
 * runs once the handler finished.
 */
export type Middleware = (ctx: Context, next: () => Promise<void>) => unknown;

/** What failed, for error hooks. */
export interface FailureInfo {
  bot: string;
  /** The handler's label: `hear(/hello/i)`, `schedule(0 9 * * 1)`, `timer(remind)`. */
  handler: string;
  eventId: string;
  /** 1 on the first try; the queue retries failed events (`queue.maxAttempts`), the timers failed timers (`timers.maxAttempts`). */
  attempt: number;
  /** True when the handler ran past `handlerTimeoutMs`. */
  timedOut: boolean;
}

/** `bot.onError((error, ctx, info) => ...)`: one of this bot's handlers threw or timed out. */
export type BotErrorHandler = (error: unknown, ctx: Context, info: FailureInfo) => unknown;

/** bot.config.ts `onError(error, info)`: any bot's handler failed (alert someone). */
export type RuntimeErrorHandler = (error: unknown, info: FailureInfo & { conversation: string }) => unknown;

/**
 * Runs `handler` behind `middleware`, in order. Resolves true when the handler ran, false when some
 * middleware returned without calling next().
 */
export async function runWithMiddleware(middleware: readonly Middleware[], ctx: Context, handler: Handler): Promise<boolean> {
  let ran = false;
  const step = async (i: number): Promise<void> => {
    if (i === middleware.length) {
      ran = true;
      await handler(ctx);
      return;
    }
    let called = false;
    await middleware[i]!(ctx, () => {
      if (called) return Promise.reject(new Error('middleware called next() twice'));
      called = true;
      return step(i + 1);
    });
  };
  await step(0);
  return ran;
}

export interface FailureReport {
  error: unknown;
  ctx: Context | undefined;
  info: FailureInfo;
  conversation: string;
  /** The bot's own onError handlers. */
  handlers: readonly BotErrorHandler[];
  /** bot.config.ts onError. */
  runtimeOnError?: RuntimeErrorHandler | undefined;
  log: Logger;
  timeoutMs: number;
}

/**
 * Logs a failed handler run in one line (what, and where in the bot's code), then tells the bot's
 * onError handlers and the runtime's. Retries of the same event log at debug: the first failure said it.
 * A failing error hook is logged and never rethrown. Resolves with where in the bot's code it failed
 * (`bots/x.ts:12:5`), when that is known, for the run's record.
 */
export async function reportFailure(report: FailureReport): Promise<string | undefined> {
  const { error, info, log } = report;
  const line = `handler ${info.bot}/${info.handler} failed: ${conciseError(error)}`;
  if (info.attempt > 1) log.debug({ err: error, attempt: info.attempt }, `${line} (try ${info.attempt})`);
  else log.error({ err: error, attempt: info.attempt }, line);

  const hooks: Array<{ label: string; call: () => unknown }> = [];
  if (report.ctx) for (const h of report.handlers) hooks.push({ label: 'onError', call: () => h(error, report.ctx!, info) });
  if (report.runtimeOnError) hooks.push({ label: 'config.onError', call: () => report.runtimeOnError!(error, { ...info, conversation: report.conversation }) });
  for (const hook of hooks) {
    const outcome = await runHandler({ bot: info.bot, label: hook.label, timeoutMs: report.timeoutMs, invoke: hook.call });
    if (outcome.error !== undefined) log.error({ err: outcome.error }, `${hook.label} hook failed while reporting ${info.bot}/${info.handler}: ${conciseError(outcome.error)}`);
  }
  const location = locateError(error);
  return location ? formatLocation(location) : undefined;
}
