/**
 * Timers in process memory: the test kit's and the `memory` tier's. Nothing survives a restart.
 * Time comes from the injected Clock, so the kit's `t.clock.advance()` fires them with no sleeping.
 *
 * Several backends may share one `MemoryTimerTable` (as instances share Redis): a timer is claimed
 * synchronously before it is handed over, so exactly one of them fires it.
 */
import { conversationKey } from '../../adapters/adapter.ts';
import { systemClock, type Clock } from './clock.ts';
import { createDueLoop, type DueLoop } from './due-loop.ts';
import {
  DEFAULT_KEEP_FIRED_MS,
  DEFAULT_TIMER_CONCURRENCY,
  type StoredTimer,
  type TimerBackend,
  type TimerBackendOptions,
  type TimerFilter,
  type TimerRecord,
} from './types.ts';

interface Entry {
  timer: StoredTimer;
  /** Handed to a loop and not yet settled. */
  firing: boolean;
  seq: number;
}

/** The timers themselves, shareable by several backends (instances) in one process. */
export interface MemoryTimerTable {
  entries: Map<string, Entry>;
  /** Fired ids and when they may be used again. */
  fired: Map<string, number>;
  /** Loops to poke when a run time changes. */
  loops: Set<DueLoop>;
  seq: number;
}

export function createMemoryTimerTable(): MemoryTimerTable {
  return { entries: new Map(), fired: new Map(), loops: new Set(), seq: 0 };
}

export interface MemoryTimersOptions extends TimerBackendOptions {
  clock?: Clock;
  /** Share timers with other backends (two "instances" in one test). Default: a table of its own. */
  table?: MemoryTimerTable;
}

const keyOf = (bot: string, id: string) => `${bot}\u0000${id}`;
const copy = (t: StoredTimer): StoredTimer => structuredClone(t);
const byRunTime = (a: Entry, b: Entry) => a.timer.runAt - b.timer.runAt || a.seq - b.seq;

export function matchesFilter(t: StoredTimer, filter: TimerFilter = {}): boolean {
  if (t.state === 'failed' && !filter.includeFailed) return false;
  if (filter.user !== undefined && t.user?.id !== filter.user) return false;
  if (filter.conversation !== undefined && (!t.conversation || conversationKey(t.conversation) !== filter.conversation)) return false;
  return true;
}

export function createMemoryTimers(options: MemoryTimersOptions = {}): TimerBackend {
  const clock = options.clock ?? systemClock;
  const table = options.table ?? createMemoryTimerTable();
  const keepFiredMs = options.keepFiredMs ?? DEFAULT_KEEP_FIRED_MS;
  const pokeAll = (at?: number) => table.loops.forEach((l) => l.poke(at));

  const firedRecently = (key: string) => {
    const until = table.fired.get(key);
    if (until === undefined) return false;
    if (until > clock.now()) return true;
    table.fired.delete(key);
    return false;
  };
  const waiting = () => [...table.entries.values()].filter((e) => e.timer.state === 'pending' && !e.firing);

  const loop = createDueLoop({
    clock,
    concurrency: options.concurrency ?? DEFAULT_TIMER_CONCURRENCY,
    source: {
      nextRunAt: () => waiting().reduce<number | undefined>((min, e) => (min === undefined || e.timer.runAt < min ? e.timer.runAt : min), undefined),
      claimDue(now, limit) {
        const due = waiting().filter((e) => e.timer.runAt <= now).sort(byRunTime).slice(0, limit);
        for (const e of due) e.firing = true;
        return due.map((e) => copy(e.timer));
      },
      settle(timer, decision) {
        const key = keyOf(timer.bot, timer.id);
        const entry = table.entries.get(key);
        if (!entry) return;
        entry.firing = false;
        if (decision.kind === 'done') {
          table.entries.delete(key);
          table.fired.set(key, clock.now() + keepFiredMs);
        } else if (decision.kind === 'retry') {
          Object.assign(entry.timer, { runAt: decision.at, attempt: timer.attempt + 1, error: decision.error });
        } else {
          Object.assign(entry.timer, { state: 'failed', error: decision.error });
        }
        pokeAll();
      },
    },
  });

  return {
    kind: 'memory',
    async schedule(timer: TimerRecord) {
      const key = keyOf(timer.bot, timer.id);
      if (table.entries.has(key) || firedRecently(key)) return false;
      table.entries.set(key, { timer: { ...structuredClone(timer), state: 'pending', runAt: timer.dueAt }, firing: false, seq: table.seq++ });
      pokeAll(timer.dueAt);
      return true;
    },
    async cancel(bot, id) {
      const key = keyOf(bot, id);
      const entry = table.entries.get(key);
      if (!entry || entry.firing) return false;
      table.entries.delete(key);
      pokeAll();
      return true;
    },
    async get(bot, id) {
      const entry = table.entries.get(keyOf(bot, id));
      return entry ? copy(entry.timer) : undefined;
    },
    async list(bot, filter) {
      return [...table.entries.values()]
        .filter((e) => (bot === undefined || e.timer.bot === bot) && matchesFilter(e.timer, filter))
        .sort(byRunTime)
        .map((e) => copy(e.timer));
    },
    async fireNow(bot, id) {
      const entry = table.entries.get(keyOf(bot, id));
      if (!entry || entry.firing) return false;
      Object.assign(entry.timer, { state: 'pending', runAt: clock.now() });
      pokeAll();
      return true;
    },
    start(onDue) {
      table.loops.add(loop);
      loop.start(onDue);
    },
    async stop(timeoutMs) {
      table.loops.delete(loop);
      await loop.stop(timeoutMs);
    },
    async close() {},
  };
}
