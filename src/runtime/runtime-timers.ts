/**
 * The runtime's one-off timers, wired: the backend (memory on the runtime's clock unless storage gave
 * one), the `timers` config, and a due timer run through its bot's current `bot.timer` handler.
 */
import type { Logger } from 'pino';
import type { Adapter, InboundEvent, PlatformName } from '../adapters/adapter.ts';
import type { BotyardConfig } from '../config/load.ts';
import type { StreamingServices } from '../context/streaming.ts';
import type { Outbound } from '../outbound/outbound.ts';
import type { Clock } from '../scheduler/timers/clock.ts';
import { createMemoryTimers } from '../scheduler/timers/memory.ts';
import { createTimers, type TimerActivity } from '../scheduler/timers/timers.ts';
import type { TimerBackend } from '../scheduler/timers/types.ts';
import type { HandlerRun } from './dispatcher.ts';
import type { LoadedBot } from './loaded-bot.ts';
import { runTimer } from './timer-run.ts';

export interface RuntimeTimersDeps {
  config: BotyardConfig;
  backend: TimerBackend | undefined;
  clock: Clock;
  log: Logger;
  /** The bot as loaded now (hot reload replaces it). */
  bot(name: string): LoadedBot | undefined;
  adapterFor(platform: PlatformName): Adapter | undefined;
  outbound: Outbound;
  streaming(): StreamingServices;
  onRuns(event: InboundEvent, runs: HandlerRun[]): void;
  observe(activity: TimerActivity): void;
}

export function createRuntimeTimers(deps: RuntimeTimersDeps) {
  const { config, clock } = deps;
  const entryOf = (bot: string, name: string) => deps.bot(bot)?.registration.timers.find((t) => t.name === name);
  return createTimers({
    backend: deps.backend ?? createMemoryTimers({ clock, keepFiredMs: config.timers.keepFiredMs, concurrency: config.timers.concurrency }),
    clock,
    log: deps.log,
    settings: config.timers,
    registered: (bot, name) => entryOf(bot, name)?.options,
    run: async (record, fired) => {
      const bot = deps.bot(record.bot);
      const entry = entryOf(record.bot, record.name);
      if (!bot || !entry) return { error: new Error(`bot '${record.bot}' has no bot.timer('${record.name}')`) };
      return runTimer({ bot, entry, record, fired, adapterFor: deps.adapterFor, outbound: deps.outbound, streaming: deps.streaming(), timeoutMs: config.handlerTimeoutMs, onRuns: deps.onRuns, onError: config.onError });
    },
    observe: deps.observe,
  });
}
