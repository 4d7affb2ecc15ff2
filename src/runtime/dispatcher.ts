/**
 * Runs every matching handler of every bot for one event, each isolated: a handler that throws or
 * hangs past its timeout is logged with bot, handler and event id, and never stops the others.
 *
 * When a handler fails, the event is thrown back to the queue for a retry; handlers that already
 * succeeded are remembered in the state store so the retry runs only what failed (and their sends
 * carry deterministic ids, so even a crash mid-handler does not double a Stream message).
 */
import type { Logger } from 'pino';
import { conversationKey, type Adapter, type InboundEvent, type PlatformName } from '../adapters/adapter.ts';
import { Context } from '../context/context.ts';
import type { StreamingServices } from '../context/streaming.ts';
import { BotyardError } from '../errors.ts';
import type { Outbound } from '../outbound/outbound.ts';
import { outboundAfter } from '../outbound/outbound-after.ts';
import type { StateStore } from '../state/store.ts';
import type { LoadedBot } from './loaded-bot.ts';
import type { LoopGuard } from './loop-guard.ts';
import type { OverrunGuard } from './overrun-guard.ts';
import { matchHandlers, type HandlerMatch } from './router.ts';
import type { RuntimeErrorHandler } from './hooks.ts';
import { runBotHandler, type HandlerRunScope } from './run-bot-handler.ts';
import { traceLogFields } from '../telemetry/carrier.ts';
import { traceHandler } from '../telemetry/spans.ts';

/** One handler run, as the console's event inspector and the metrics see it. */
export interface HandlerRun {
  bot: string;
  handler: string;
  ms: number;
  error?: string;
  /** Where in the bot's code it failed: `bots/welcome.ts:12:5` (source-mapped), when known. */
  at?: string;
  /** Not run: it succeeded on an earlier try, or the bot's middleware did not call next(). */
  skipped?: 'already-done' | 'middleware';
}

/** What became of an event besides its runs: `dropped` says, in words, why no handler was given it. */
export interface DispatchOutcome {
  dropped?: string;
}

export interface DispatchObserver {
  /** Every dispatch ends here, a dropped one too (no runs, `outcome.dropped` set), so a watcher never waits on it. */
  dispatched?(event: InboundEvent, runs: HandlerRun[], outcome?: DispatchOutcome): void;
}

export interface DispatcherDeps {
  bots(): Iterable<LoadedBot>;
  adapterFor(platform: PlatformName): Adapter | undefined;
  outbound: Outbound;
  store: StateStore;
  log: Logger;
  loopGuard: LoopGuard;
  /** Shared by every ctx.stream() (optional: contexts fall back to defaults without user stops). */
  streaming?: StreamingServices;
  handlerTimeoutMs: number;
  observer?: DispatchObserver;
  /** Keeps a retry from starting beside a timed-out copy of itself (overrun-guard.ts). */
  overrun?: OverrunGuard;
  /** bot.config.ts `onError`: told of every failed handler run. */
  onError?: RuntimeErrorHandler | undefined;
}

export interface DispatchOptions {
  /** 1 on the first try; above 1 the dispatcher skips handlers that already succeeded. */
  attempt?: number;
  /** The queue's record of this try (WorkInfo `recorded`): handlers' platform calls start once it settled. */
  recorded?: Promise<unknown> | undefined;
}

/** Thrown back to the queue when some handler failed, so the event is retried (and dead-lettered at last). */
export class HandlersFailedError extends BotyardError {
  constructor(readonly runs: HandlerRun[]) {
    const failed = runs.filter((r) => r.error).map((r) => `${r.bot}/${r.handler}: ${r.error}`);
    super('HANDLERS_FAILED', `${failed.length} handler(s) failed: ${failed.join('; ')}`);
  }
}

const doneKey = (eventId: string, bot: string, index: number) => `done:${eventId}:${bot}:${index}`;
const DONE_TTL_MS = 24 * 60 * 60 * 1000;

export function createDispatcher(deps: DispatcherDeps) {
  const { log } = deps;

  function wanted(bot: LoadedBot, event: InboundEvent, me: { id: string } | undefined): boolean {
    const fromBot = event.sender.isBot === true || (me !== undefined && event.sender.id === me.id);
    if (!fromBot || !event.type.startsWith('message.')) return true;
    if (me && event.sender.id === me.id) return false;
    return bot.registration.options.acceptBotMessages === true;
  }

  async function runOne(bot: LoadedBot, m: HandlerMatch, index: number, event: InboundEvent, attempt: number, recorded: Promise<unknown> | undefined): Promise<HandlerRun> {
    const run: HandlerRun = { bot: bot.name, handler: m.entry.label, ms: 0 };
    if (attempt > 1 && (await deps.store.get(doneKey(event.id, bot.name, index))) !== undefined) {
      return { ...run, skipped: 'already-done' };
    }
    // The run's span adds the trace id to the lines logged inside it (runBotHandler); this one is outside.
    const handlerLog = bot.log.child({ eventId: event.id, handler: m.entry.label, conversation: conversationKey(event.conversation) });
    const runKey = `${event.id}:${bot.name}:${index}`;
    // Only a retry, or a copy still running here, needs the check: the first try of an event pays nothing.
    const guard = deps.overrun;
    const busy = guard && (attempt > 1 || guard.runningHere(runKey)) ? await guard.clear(runKey, deps.handlerTimeoutMs, { askStore: attempt > 1 }) : undefined;
    if (busy) {
      handlerLog.warn({ bot: bot.name, ...traceLogFields(event) }, `handler ${bot.name}/${m.entry.label} not started again: ${busy}`);
      return { ...run, error: `not started: ${busy}` };
    }
    const makeContext = ({ signal, outbound, log }: HandlerRunScope) => new Context({
      event,
      signal,
      bot: bot.name,
      conversation: event.conversation,
      adapterFor: deps.adapterFor,
      // Inside the run's tracing: a traced outbound hands its span over synchronously, so it must be the one called late.
      outbound: recorded ? outboundAfter(recorded, outbound) : outbound,
      store: bot.store,
      timers: bot.timers,
      log,
      config: bot.config,
      ...(m.match ? { match: m.match } : {}),
      ...(m.command ? { command: m.command } : {}),
      onSent: (c) => deps.loopGuard.record(conversationKey(c)),
      handlerIndex: index,
      attempt,
      ...(deps.streaming ? { streaming: deps.streaming } : {}),
    });
    const { run: done } = await runBotHandler({
      bot,
      label: m.entry.label,
      handler: m.entry.handler,
      outbound: deps.outbound,
      context: makeContext,
      span: (fn) => traceHandler(bot.name, m.entry.label, event, attempt, fn),
      eventId: event.id,
      attempt,
      conversation: conversationKey(event.conversation),
      timeoutMs: deps.handlerTimeoutMs,
      log: handlerLog,
      onError: deps.onError,
      settled: (outcome) => {
        if (outcome.timedOut) deps.overrun?.overran(runKey, outcome.settled);
      },
    });
    return done;
  }

  return {
    /** Dispatches `event` to every bot; throws HandlersFailedError when any handler failed. */
    async dispatch(event: InboundEvent, options: DispatchOptions = {}): Promise<HandlerRun[]> {
      const attempt = options.attempt ?? 1;
      const me = deps.adapterFor(event.platform)?.botUser;
      if (event.sender.isBot && event.sender.id !== me?.id && deps.loopGuard.tripped(conversationKey(event.conversation))) {
        const dropped = deps.loopGuard.reason();
        log.warn({ eventId: event.id, conversation: conversationKey(event.conversation), ...traceLogFields(event) }, `not dispatching a bot message: ${dropped}`);
        deps.observer?.dispatched?.(event, [], { dropped });
        return [];
      }
      const jobs: Array<Promise<HandlerRun>> = [];
      const indexes: Array<{ bot: LoadedBot; index: number }> = [];
      for (const bot of deps.bots()) {
        if (!wanted(bot, event, me)) continue;
        const matches = matchHandlers(bot.registration.handlers, event, me);
        matches.forEach((m) => {
          const index = bot.registration.handlers.indexOf(m.entry);
          indexes.push({ bot, index });
          jobs.push(runOne(bot, m, index, event, attempt, options.recorded));
        });
      }
      // An event no handler matches (most of them, for most bots) awaits nothing.
      const runs = jobs.length ? await Promise.all(jobs) : [];
      deps.observer?.dispatched?.(event, runs);
      if (runs.some((r) => r.error)) {
        // Remember who succeeded, so the retry runs only the handlers that failed.
        await Promise.all(
          runs.map((r, i) => (r.error || r.skipped ? undefined : deps.store.set(doneKey(event.id, r.bot, indexes[i]!.index), 1, { ttlMs: DONE_TTL_MS }))),
        );
        throw new HandlersFailedError(runs);
      }
      return runs;
    },
  };
}

export type Dispatcher = ReturnType<typeof createDispatcher>;
