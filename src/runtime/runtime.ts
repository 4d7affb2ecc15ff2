/**
 * The runtime's lifecycle: load bots, attach adapters, run ingest → queue → dispatcher, schedules.
 * It never listens on a port by itself: `src/server/` serves HTTP in front of it.
 */
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { Adapter, EventSink, InboundEvent, PlatformName } from '../adapters/adapter.ts';
import type { BotyardConfig } from '../config/load.ts';
import { createStreamingServices, type StreamProgress } from '../context/streaming.ts';
import { configuredLimits } from '../outbound/limits.ts';
import type { Limiter } from '../outbound/limiter.ts';
import { createOutbound, type OutboundObserver } from '../outbound/outbound.ts';
import { createMemoryQueue } from '../queue/memory.ts';
import type { EventQueue } from '../queue/queue.ts';
import { createScheduler } from '../scheduler/scheduler.ts';
import { systemClock, type Clock } from '../scheduler/timers/clock.ts';
import type { TimerActivity } from '../scheduler/timers/timers.ts';
import type { TimerBackend } from '../scheduler/timers/types.ts';
import { createMemoryStore } from '../state/memory.ts';
import type { StateStore } from '../state/store.ts';
import type { BotDefinition } from './bot.ts';
import { createBeforeSend } from './before-send/decide.ts';
import { reportInactiveBeforeSend } from './before-send/inactive.ts';
import type { BeforeSendOutcome } from './before-send/types.ts';
import { createBotRegistry } from './bot-registry.ts';
import { createDispatcher, type DispatchOutcome, type HandlerRun } from './dispatcher.ts';
import { createIngest, type IngestReason } from './ingest.ts';
import { createLogger } from './log.ts';
import { LoopGuard } from './loop-guard.ts';
import { createOverrunGuard } from './overrun-guard.ts';
import { installExitGuard } from './exit-guard.ts';
import { createLoopMonitor } from './loop-monitor.ts';
import { runScheduledTick } from './schedule-tick.ts';
import { createRuntimeTimers } from './runtime-timers.ts';
import { createStreamStops, withStreamStops } from './stream-stops.ts';
import { traceDispatch } from '../telemetry/spans.ts';

export interface RuntimeOptions {
  config: BotyardConfig;
  adapters: Adapter[];
  store?: StateStore;
  queue?: EventQueue;
  log?: Logger;
  /** Bots given in code (the test kit). When absent, bots are loaded from `config.botsPath`. */
  bots?: BotDefinition[];
  /** Start cron tasks (false when tests fire schedules by hand). Default true. */
  startSchedules?: boolean;
  outboundObserver?: OutboundObserver;
  /** Paces outbound calls (Redis: shared by every instance); default, token buckets in this process. */
  outboundLimiter?: Limiter;
  instanceId?: string;
  /** Where one-off timers live. Default: in memory, on `clock`. */
  timers?: TimerBackend;
  /** The runtime's time (timers, the catch-up of schedules). Default: the system clock; the test kit's is manual. */
  clock?: Clock;
}

/** Events the runtime emits for the console and metrics. */
export interface RuntimeEvents {
  /** An event came in from an adapter, and what ingest did with it. */
  ingested: [event: InboundEvent, outcome: 'accepted' | 'duplicate' | 'ignored', reason?: IngestReason];
  /** Handlers ran for an event, or it was dropped before any could (`outcome.dropped` says why). */
  dispatched: [event: InboundEvent, runs: HandlerRun[], outcome?: DispatchOutcome];
  /** A timer was scheduled, cancelled, fired, skipped as late, is retrying, or failed for good. */
  timer: [activity: TimerActivity];
  /** A streamed reply (ctx.stream) started, changed its AI indicator, grew, or finished. */
  stream: [progress: StreamProgress];
  /** A before-send decision was made: the verdict, every handler's part and how long it took. */
  decided: [outcome: BeforeSendOutcome];
}

export async function createRuntime(options: RuntimeOptions) {
  const { config } = options;
  const log = options.log ?? createLogger({ level: config.logLevel });
  const store = options.store ?? createMemoryStore();
  const queue = options.queue ?? createMemoryQueue({ log, store });
  const events = new EventEmitter<RuntimeEvents>();
  const adapters = new Map<PlatformName, Adapter>(options.adapters.map((a) => [a.platform, a]));
  const adapterFor = (p: PlatformName) => adapters.get(p);
  const outbound = createOutbound({
    log,
    limits: configuredLimits(config.limits),
    ...(options.outboundLimiter ? { limiter: options.outboundLimiter } : {}),
    ...(options.outboundObserver ? { observer: options.outboundObserver } : {}),
  });
  const loopGuard = new LoopGuard(config.loopGuard);
  const clock = options.clock ?? systemClock;
  const timers = createRuntimeTimers({
    config,
    backend: options.timers,
    clock,
    log,
    bot: (name) => registry.get(name),
    adapterFor,
    outbound,
    streaming: () => streaming,
    onRuns: (e, runs) => events.emit('dispatched', e, runs),
    observe: (activity) => events.emit('timer', activity),
  });
  const streaming = createStreamingServices({
    settings: config.streaming,
    stops: createStreamStops({ store, log }),
    observe: (progress) => events.emit('stream', progress),
  });

  const scheduler = createScheduler({
    store,
    log,
    instanceId: options.instanceId,
    autoStart: options.startSchedules !== false && config.queue.work,
    now: () => clock.now(),
    run: (bot, entry, slot, info) => {
      const loaded = registry.get(bot);
      if (!loaded) return Promise.resolve();
      return runScheduledTick({ bot: loaded, entry, slot, ...(info?.catchUp ? { catchUp: true } : {}), adapterFor, outbound, streaming, log, timeoutMs: config.handlerTimeoutMs, onRuns: (e, runs) => events.emit('dispatched', e, runs), onError: config.onError });
    },
  });
  const registry = createBotRegistry({ config, store, log, scheduler, timers });

  const dispatcher = createDispatcher({
    bots: () => registry.all(),
    adapterFor,
    outbound,
    store,
    log,
    loopGuard,
    streaming,
    handlerTimeoutMs: config.handlerTimeoutMs,
    observer: { dispatched: (event, runs, outcome) => events.emit('dispatched', event, runs, outcome) },
    overrun: createOverrunGuard({ store, log }),
    onError: config.onError,
  });

  // A user's stop must reach a stream at once, not queue behind the event being answered (stream-stops.ts).
  const ingest: EventSink = withStreamStops(createIngest({
    store,
    queue,
    adapterFor,
    dedupeTtlMs: config.dedupeTtlMs,
    log,
    observer: { received: (event, outcome, reason) => events.emit('ingested', event, outcome, reason) },
  }), streaming.stops!);

  const beforeSend = createBeforeSend({
    bots: () => registry.all(),
    adapterFor,
    budgetMs: config.beforeSend.budgetMs,
    policy: config.beforeSend.policy,
    log,
    onDecided: (outcome) => events.emit('decided', outcome),
    // A rejection becomes an ordinary queued event (`bot.on('message.rejected')`), never on the hook's path.
    onRejected: (event) => void ingest(event).catch((err) => log.error({ err, eventId: event.id }, 'message.rejected event not accepted')),
  });

  // Containment (security): stalls pinned on bots, process.exit refused inside handlers.
  const loopMonitor = createLoopMonitor({ warnMs: config.containment.loopBlockWarnMs, exact: config.containment.exactLoopAttribution, log });
  let removeExitGuard: (() => void) | undefined;

  let started = false;

  return {
    config,
    log,
    store,
    queue,
    events,
    scheduler,
    /** One-off timers: `listAll()`, `fireNow(bot, id)`, `cancel(bot, id)` (the console), and the backend. */
    timers,
    clock,
    bots: registry,
    /** Adapters by platform. */
    adapters,
    adapterFor,
    /** Hand an inbound event to the runtime as an adapter would. */
    ingest,
    dispatcher,
    /** Event-loop stalls, measured and charged to bots (security: containment). */
    loopMonitor,
    /** ctx.stream()'s shared services: settings, update budget, and the streams open here (`stops.active()`). */
    streaming,
    /** Decides on a message before the platform stores it (what adapters with `preSend` call). */
    decide: beforeSend.decide,

    /** Loads bots, starts adapters, the queue worker and schedules. */
    async start(): Promise<void> {
      if (started) return;
      started = true;
      loopMonitor.start();
      removeExitGuard = installExitGuard((error) => log.error({ bot: error.who.bot, handler: error.who.label }, error.message));
      if (options.bots) await registry.loadDefinitions(options.bots);
      else await registry.loadFolder(config.botsPath);
      // An ingest-only instance (queue.work: false) leaves events, timers and schedules to the others.
      if (config.queue.work) {
        queue.start((event, info) => traceDispatch(event, info?.attempt ?? 1, () => dispatcher.dispatch(event, { attempt: info?.attempt ?? 1, recorded: info?.recorded })));
        timers.start();
      }
      reportInactiveBeforeSend(registry.all(), adapters.values(), log);
      for (const adapter of adapters.values()) {
        await adapter.start({ sink: ingest, store, log: log.child({ platform: adapter.platform }), decide: beforeSend.decide });
      }
    },

    /** Resolves when every accepted event has been handled (tests, graceful shutdown). */
    async idle(): Promise<void> {
      if (queue.idle) return queue.idle();
    },

    /** Stops intake (adapters), then finishes in-flight events within `timeoutMs`, then schedules and the store. */
    async stop(timeoutMs = 10_000): Promise<void> {
      if (!started) return;
      started = false;
      scheduler.stop();
      // Streamed replies end now (text kept, indicator cleared), inside the wait for in-flight handlers below.
      streaming.close();
      // Timers stop firing now and finish in-flight ones alongside the queue's events: one bound for both.
      const timersStopped = timers.stop(timeoutMs);
      await Promise.allSettled([...adapters.values()].map((a) => a.stop()));
      await queue.stop(timeoutMs);
      await timersStopped;
      // After the timers too: their handlers send through it until they stop.
      await outbound.close();
      registry.close();
      loopMonitor.stop();
      removeExitGuard?.();
    },
  };
}

export type Runtime = Awaited<ReturnType<typeof createRuntime>>;
