/**
 * The runtime's timers: one backend (memory, SQLite or Redis), the checks every schedule passes, and
 * what happens when one falls due (late policy, run, retry or fail: see policy.ts). Bots reach it
 * through `ctx.timers` (src/context/timers.ts); the console through `listAll`, `fireNow`, `cancel`.
 */
import type { Logger } from 'pino';
import { conversationKey, parseConversation, type ConversationRef, type UserRef } from '../../adapters/adapter.ts';
import { BotyardError } from '../../errors.ts';
import type { Clock } from './clock.ts';
import { toMs } from './duration.ts';
import { toTimerInfo, type FiredTimer, type TimerInfo, type TimerWhen } from './info.ts';
import { retryAt, runsWhenLate, type LatePolicy, type TimerSettings } from './policy.ts';
import type { FireDecision, TimerBackend, TimerRecord } from './types.ts';

/** What happened to a timer, for the console and metrics. */
export interface TimerActivity {
  kind: 'scheduled' | 'cancelled' | 'fired' | 'skipped' | 'retrying' | 'failed';
  timer: TimerInfo;
  lateByMs?: number;
  error?: string;
}

/** How one fire attempt went: what `run` reports back. */
export interface TimerRunResult {
  error?: unknown;
  /** The handler's failure was already logged (runtime/hooks.ts reportFailure): the retry line is a detail. */
  reported?: boolean;
}

export interface TimersDeps {
  backend: TimerBackend;
  clock: Clock;
  log: Logger;
  settings: TimerSettings;
  /** The late policy the bot gave `bot.timer(name, { late })`, or undefined when `bot` has no such timer. */
  registered(bot: string, name: string): { late?: LatePolicy } | undefined;
  /** Runs the handler of a due timer. */
  run(record: TimerRecord, fired: FiredTimer): Promise<TimerRunResult>;
  /** Told of everything that happens to timers. */
  observe?(activity: TimerActivity): void;
}

/** What a bot (through ctx.timers) asks for. */
export interface ScheduleRequest {
  name: string;
  when: TimerWhen;
  payload?: unknown;
  id: string;
  conversation?: ConversationRef | string;
  user?: UserRef;
}

/** The timers of one bot: what ctx.timers calls. */
export interface BotTimers {
  schedule(request: ScheduleRequest): Promise<string>;
  cancel(id: string): Promise<boolean>;
  get(id: string): Promise<TimerInfo | undefined>;
  list(filter?: { conversation?: ConversationRef | string; user?: UserRef | string }): Promise<TimerInfo[]>;
}

/** The due time of `when`, checked; throws a TypeError naming the key and the fix. */
export function dueTimeOf(when: TimerWhen, now: number): number {
  if (when && typeof when === 'object' && 'in' in when) return now + toMs(when.in, "ctx.timers.schedule: 'in'");
  if (when && typeof when === 'object' && 'at' in when) {
    const at = when.at instanceof Date ? when.at.getTime() : typeof when.at === 'string' ? Date.parse(when.at) : when.at;
    if (typeof at === 'number' && Number.isFinite(at)) return at;
    throw new TypeError(`ctx.timers.schedule: 'at' must be a Date, an ISO time ('2026-01-05T09:00:00Z') or ms since the epoch (got ${JSON.stringify(when.at)})`);
  }
  throw new TypeError("ctx.timers.schedule: say when, as { in: '10m' } or { at: new Date(...) }");
}

/** A JSON copy of `payload` (what every backend stores); throws naming what cannot be stored. */
function jsonPayload(payload: unknown, name: string): unknown {
  if (payload === undefined) return null;
  try {
    return JSON.parse(JSON.stringify(payload));
  } catch (err) {
    throw new TypeError(`ctx.timers.schedule('${name}'): the payload must be JSON (plain objects, arrays, strings, numbers): ${(err as Error).message}`);
  }
}

export function createTimers(deps: TimersDeps) {
  const { backend, clock, log, settings } = deps;
  const observe = (activity: TimerActivity) => deps.observe?.(activity);

  async function onDue(record: TimerRecord): Promise<FireDecision> {
    const now = clock.now();
    const lateByMs = Math.max(0, now - record.dueAt);
    const info = toTimerInfo({ ...record, state: 'pending', runAt: now });
    const registered = deps.registered(record.bot, record.name);
    const policy = settings.late[`${record.bot}/${record.name}`] ?? registered?.late ?? 'fire';
    if (registered && !runsWhenLate(policy, lateByMs, settings.lateAfterMs)) {
      log.warn({ bot: record.bot, timer: record.id, name: record.name, lateByMs, policy }, `timer ${record.bot}/${record.name} skipped: ${Math.round(lateByMs / 1000)} s late, and its late policy is ${JSON.stringify(policy)}`);
      observe({ kind: 'skipped', timer: info, lateByMs });
      return { kind: 'done' };
    }
    const fired: FiredTimer = {
      id: record.id,
      name: record.name,
      dueAt: new Date(record.dueAt),
      payload: record.payload,
      late: lateByMs > settings.lateAfterMs,
      lateByMs,
      attempt: record.attempt,
      ...(record.user ? { user: record.user } : {}),
      ...(record.conversation ? { conversation: record.conversation } : {}),
    };
    const result = registered
      ? await deps.run(record, fired)
      : { error: new BotyardError('TIMER_UNKNOWN', `bot '${record.bot}' has no bot.timer('${record.name}') handler loaded (renamed or removed?)`) };
    if (result.error === undefined) {
      observe({ kind: 'fired', timer: info, lateByMs });
      return { kind: 'done' };
    }
    const error = result.error instanceof Error ? result.error.message : String(result.error);
    const at = retryAt(settings, record.attempt, clock.now());
    if (at !== undefined) {
      const level = 'reported' in result && result.reported ? 'debug' : 'warn';
      log[level]({ bot: record.bot, timer: record.id, attempt: record.attempt, err: result.error }, `timer ${record.bot}/${record.name} failed; try ${record.attempt + 1} of ${settings.maxAttempts} in ${Math.round((at - clock.now()) / 1000)} s`);
      observe({ kind: 'retrying', timer: { ...info, attempt: record.attempt + 1, nextRunAt: new Date(at), error }, error });
      return { kind: 'retry', at, error };
    }
    log.error({ bot: record.bot, timer: record.id, attempts: record.attempt, err: result.error }, `timer ${record.bot}/${record.name} failed ${record.attempt} times; kept as failed (fire it again from the console)`);
    observe({ kind: 'failed', timer: { ...info, state: 'failed', error }, error });
    return { kind: 'failed', error };
  }

  function forBot(bot: string): BotTimers {
    return {
      async schedule(request) {
        const { name, id } = request;
        if (!deps.registered(bot, name)) {
          throw new BotyardError('TIMER_UNKNOWN', `${bot}: no bot.timer('${name}') is registered. Register its handler in setup: bot.timer('${name}', (ctx) => ...)`);
        }
        if (typeof id !== 'string' || id.length === 0 || id.length > 200) throw new TypeError(`ctx.timers.schedule('${name}'): 'id' must be a string of 1 to 200 characters`);
        const now = clock.now();
        const record: TimerRecord = {
          bot,
          id,
          name,
          dueAt: dueTimeOf(request.when, now),
          payload: jsonPayload(request.payload, name),
          ...(request.conversation ? { conversation: parseConversation(request.conversation) } : {}),
          ...(request.user ? { user: { id: request.user.id, ...(request.user.name ? { name: request.user.name } : {}) } } : {}),
          createdAt: now,
          attempt: 1,
        };
        if (await backend.schedule(record)) observe({ kind: 'scheduled', timer: toTimerInfo({ ...record, state: 'pending', runAt: record.dueAt }) });
        return id;
      },
      cancel: (id) => cancel(bot, id),
      async get(id) {
        const t = await backend.get(bot, id);
        return t && t.state === 'pending' ? toTimerInfo(t) : undefined;
      },
      async list(filter = {}) {
        const conversation = filter.conversation === undefined ? undefined : conversationKey(parseConversation(filter.conversation));
        const user = typeof filter.user === 'string' ? filter.user : filter.user?.id;
        const found = await backend.list(bot, { ...(conversation ? { conversation } : {}), ...(user !== undefined ? { user } : {}) });
        return found.map(toTimerInfo);
      },
    };
  }

  async function cancel(bot: string, id: string): Promise<boolean> {
    const t = await backend.get(bot, id);
    const done = await backend.cancel(bot, id);
    if (done && t) observe({ kind: 'cancelled', timer: toTimerInfo(t) });
    return done;
  }

  return {
    backend,
    forBot,
    /** Every bot's pending and failed timers, earliest first (the console). */
    async listAll(): Promise<TimerInfo[]> {
      return (await backend.list(undefined, { includeFailed: true })).map(toTimerInfo);
    },
    /** Makes a pending or failed timer due now (the console's "fire now"); it fires once, on one instance. */
    fireNow: (bot: string, id: string) => backend.fireNow(bot, id),
    /** Cancels a timer of any bot (the console's "cancel"). */
    cancel,
    start(): void {
      backend.start(onDue);
    },
    stop: (timeoutMs?: number) => backend.stop(timeoutMs),
    close: () => backend.close(),
  };
}

export type Timers = ReturnType<typeof createTimers>;
