/**
 * Event-loop blocking, measured and pinned on the bot that caused it. A handler that busy-loops for
 * 10 s stops ingest, /healthz and every other bot; nothing can interrupt it, but afterwards:
 *   - the stall is logged (warn) naming the bot and handler, counted per bot and handler for /metrics,
 *     and /readyz answers 503 for a while (health.ts), so a balancer drains an instance a bot keeps blocking;
 *   - the delay distribution is exported too: the watchdog's own intervals, recorded as
 *     perf_hooks.monitorEventLoopDelay would record them at the watchdog's resolution (50 ms). A
 *     monitorEventLoopDelay beside the watchdog was a second timer waking the process 50 times a second
 *     for the same measurement (idle CPU that, at 100 events/s, was counted into every reply).
 * Attribution: a handler whose first synchronous slice (call to first await) ran long is charged
 * exactly (timed by run-handler, two clock reads per run). Otherwise, by default, the handlers in flight
 * during the stall are charged (a handler that blocked has usually settled by the time a timer can
 * run, so recently settled ones count): exact when one was, "one of them" when several were.
 * With `exact`, an async_hooks before/after pair times every callback and names the handler whose
 * callback ran long (through handler-scope's AsyncLocalStorage); that costs on every callback
 * (bench/containment measures how much), hence off by default.
 */
import { createHook, type AsyncHook } from 'node:async_hooks';
import { EventEmitter } from 'node:events';
import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { currentHandler, handlersActiveSince, type HandlerIdentity } from './handler-scope.ts';

export interface LoopStall {
  ms: number;
  /** Date.now() when the loop ran again. */
  endedAt: number;
  /** Who is charged: the one handler whose callback ran long (exact), or the handlers in flight. */
  handlers: HandlerIdentity[];
  exact: boolean;
}

export interface LoopMonitorOptions {
  warnMs: number;
  log: Logger;
  exact?: boolean;
  /** How often the watchdog timer expects to run (default 50 ms). */
  tickMs?: number;
}

export interface LoopMonitor {
  /**
   * The watchdog's intervals since the last `delay.reset()` (nanoseconds, the expected tick included,
   * as monitorEventLoopDelay counts them): a loop that never waits reads `tickMs` throughout.
   */
  readonly delay: RecordableHistogram;
  lastStall(): LoopStall | undefined;
  on(event: 'stall', listener: (stall: LoopStall) => void): void;
  start(): void;
  stop(): void;
}

const describe = (handlers: HandlerIdentity[]) => (handlers.length ? handlers.map((h) => `${h.bot}/${h.label}`).join(', ') : 'no bot handler (the runtime itself, or a library)');

export function createLoopMonitor(options: LoopMonitorOptions): LoopMonitor {
  const tickMs = options.tickMs ?? 50;
  const emitter = new EventEmitter<{ stall: [LoopStall] }>();
  const delay = createHistogram();
  let timer: NodeJS.Timeout | undefined;
  let hook: AsyncHook | undefined;
  let last: LoopStall | undefined;
  /** The latest long callback seen by the exact hook. */
  let longCallback: { who: HandlerIdentity | undefined; endedAt: number } | undefined;

  const exactHook = () => {
    const starts: number[] = [];
    return createHook({
      before() {
        starts.push(performance.now());
      },
      after() {
        const started = starts.pop();
        if (started === undefined) return;
        const now = performance.now();
        if (now - started >= options.warnMs) longCallback = { who: currentHandler(), endedAt: now };
      },
    });
  };

  /** Who to charge: the exact hook's culprit; else handlers whose first slice ran long in the window; else all in flight. */
  const suspects = (ms: number, windowStart: number): { handlers: HandlerIdentity[]; exact: boolean } => {
    if (longCallback !== undefined && longCallback.endedAt >= windowStart) return { handlers: longCallback.who ? [longCallback.who] : [], exact: true };
    const active = handlersActiveSince(windowStart);
    const sliced = active.filter((r) => (r.firstSliceEndedAt ?? 0) >= windowStart && (r.firstSliceMs ?? 0) >= Math.min(options.warnMs, ms / 2));
    if (sliced.length) return { handlers: dedupe(sliced), exact: true };
    return { handlers: dedupe(active), exact: false };
  };

  const report = (ms: number, windowStart: number) => {
    const { handlers, exact } = suspects(ms, windowStart);
    longCallback = undefined;
    last = { ms: Math.round(ms), endedAt: Date.now(), handlers, exact };
    const bots = [...new Set(handlers.map((h) => h.bot))];
    options.log.warn(
      { blockedMs: last.ms, bots, handlers: handlers.map((h) => `${h.bot}/${h.label}`), attribution: exact ? 'exact' : 'in-flight' },
      `event loop blocked for ${last.ms} ms by ${describe(handlers)}${exact || handlers.length < 2 ? '' : ' (in flight at the time; one of them)'}: every bot, ingest and /healthz waited`,
    );
    emitter.emit('stall', last);
  };

  return {
    delay,
    lastStall: () => last,
    on: (event, listener) => void emitter.on(event, listener),
    start() {
      if (timer) return;
      if (options.exact) (hook ??= exactHook()).enable();
      let expected = performance.now() + tickMs;
      let windowStart = performance.now();
      timer = setInterval(() => {
        const now = performance.now();
        delay.record(Math.max(1, Math.round((now - windowStart) * 1e6)));
        const late = now - expected;
        if (late >= options.warnMs) report(late, windowStart);
        windowStart = now;
        expected = now + tickMs;
      }, tickMs);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
      timer = undefined;
      hook?.disable();
    },
  };
}

function dedupe(handlers: HandlerIdentity[]): HandlerIdentity[] {
  const seen = new Map<string, HandlerIdentity>();
  for (const h of handlers) seen.set(`${h.bot}\u0000${h.label}`, { bot: h.bot, label: h.label });
  return [...seen.values()];
}
