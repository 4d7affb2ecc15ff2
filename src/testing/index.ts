/**
 * `botyard/testing`: test your bots the way they run, with the real dispatcher, on an in-process
 * local platform. Act as users, fire schedules, then look at what your bots did.
 *
 * ```ts
 * const t = await createTestRuntime({ bots: [welcome] });
 * await t.user('ann', 'Ann').join('general');
 * expect(t.botMessages('general')[0]?.text).toContain('@Ann');
 *
 * await t.user('lu').say('team', '/remind in 10m tea');
 * await t.clock.advance('10m'); // fires what falls due, in order, with no sleeping
 * ```
 */
import type { AiState, Attachment, InboundEvent, UserRef } from '../adapters/adapter.ts';
import { createLocalAdapter, type SayOptions } from '../adapters/local/local-adapter.ts';
import type { LocalBan, LocalConversation, LocalMessage } from '../adapters/local/local-state.ts';
import { loadConfig } from '../config/load.ts';
import type { StreamProgress } from '../context/streaming.ts';
import type { FileConfigInput } from '../config/schema.ts';
import { createMemoryQueue } from '../queue/memory.ts';
import type { BotDefinition } from '../runtime/bot.ts';
import type { HandlerRun } from '../runtime/dispatcher.ts';
import { silentLogger } from '../runtime/log.ts';
import { createRuntime, type Runtime } from '../runtime/runtime.ts';
import { createManualClock, type ManualClock } from '../scheduler/timers/manual-clock.ts';
import { createMemoryStore } from '../state/memory.ts';
import type { StateStore } from '../state/store.ts';

export interface TestRuntimeOptions {
  bots: BotDefinition[];
  /** As in bot.config.ts: `{ bots: { moderation: { strikes: 2 } } }`. */
  config?: FileConfigInput;
  /** Tries per event before it is dead-lettered (default 1: a failing handler fails once, visibly). */
  maxAttempts?: number;
  /** Where the kit's clock starts (default: the real time now). */
  now?: Date | number;
  /** The state store (default: in memory, on the kit's clock). Pass a Redis or SQLite store to run your bot's tests on it; the kit does not close it. */
  store?: StateStore;
}

/** A user of the local platform. Every action resolves after all bots have handled it. */
export interface TestUser extends UserRef {
  /** Posts; `bot.beforeSend` handlers decide first: a rejected message comes back with `rejected: { notice, by, reason }` and is in no conversation. */
  say(conversation: string, text: string, options?: SayOptions): Promise<LocalMessage>;
  /** Flags a message for review (bots hear `message.flagged`). */
  flag(conversation: string, messageId: string, reason?: string): Promise<void>;
  join(conversation: string): Promise<void>;
  leave(conversation: string): Promise<void>;
  react(conversation: string, messageId: string, type: string): Promise<void>;
  edit(conversation: string, messageId: string, text: string): Promise<void>;
  delete(conversation: string, messageId: string): Promise<void>;
  /**
   * Presses Stop on the AI replies being written in the conversation (Stream's `ai_indicator.stop`). The
   * streams stop at once; resolves after every bot handled everything, like the other actions, so do
   * not await the `say` that started the stream first: start it, wait until it writes, then stop.
   */
  stop(conversation: string): Promise<void>;
}

export interface TestRuntime {
  runtime: Runtime;
  /** The bot's own user (`@name` mentions it). */
  me: UserRef;
  /** A user to act as; `{ isBot: true }` makes it another bot (bots see its messages only on opt-in). */
  user(id: string, name?: string, options?: { isBot?: boolean }): TestUser;
  /** Runs a schedule now, as its cron tick would: by schedule name or `<bot>:<name>`; `at` is the tick's time (default now). */
  fireSchedule(name: string, at?: Date): Promise<void>;
  /**
   * The runtime's time. `await t.clock.advance('10m')` fires every timer that falls due on the way, in
   * order, each handler finished before the next (no sleeping); `t.clock.now()` reads it. Message times,
   * timers and store TTLs all follow it. Cron schedules do not: use `fireSchedule`.
   */
  clock: ManualClock;
  /** The conversation's full state: messages, members, moderators, reads, typing, bans, flags, rejected messages. */
  conversation(id: string): LocalConversation;
  /** Messages the bots sent to a conversation (deleted ones included, flagged `deleted`). */
  botMessages(conversation: string): LocalMessage[];
  /** Every handler run so far, with errors: `{ bot, handler, ms, error? }`. */
  runs: Array<HandlerRun & { eventId: string }>;
  /** Every event the bots saw. */
  events: InboundEvent[];
  /** The AI indicator states shown in a conversation, in order (`clear` when done; users' `stop`s included). */
  indicators(conversation: string): Array<AiState | 'clear' | 'stop'>;
  /** Every text a message had: as posted, then after each edit (a streamed reply's growth). */
  revisions(conversation: string, messageId: string): string[];
  /** Every step of every ctx.stream() so far: started, indicator, update (with the text), finished. */
  streams: StreamProgress[];
  /** App-wide bans and mutes (conversation bans are on `conversation(id).bans`). */
  platform: { bans: LocalBan[]; mutes: Array<{ by: string; userId: string; expiresAt?: string }> };
  stop(): Promise<void>;
}

export async function createTestRuntime(options: TestRuntimeOptions): Promise<TestRuntime> {
  const config = await loadConfig({ env: {}, config: options.config ?? {} });
  let runtime: Runtime | undefined;
  const start = options.now === undefined ? Date.now() : typeof options.now === 'number' ? options.now : options.now.getTime();
  const clock = createManualClock({ start, settle: async () => runtime?.idle() });
  const platform = createLocalAdapter({ bot: config.bot, now: clock.now });
  const store = options.store ?? createMemoryStore({ now: clock.now });
  const queue = createMemoryQueue({ maxAttempts: options.maxAttempts ?? 1, backoffMs: () => 0, log: silentLogger, store });
  runtime = await createRuntime({ config, adapters: [platform], queue, store, clock, log: silentLogger, bots: options.bots, startSchedules: false });
  const runs: TestRuntime['runs'] = [];
  const events: InboundEvent[] = [];
  const streams: StreamProgress[] = [];
  runtime.events.on('stream', (progress) => streams.push(progress));
  runtime.events.on('dispatched', (event, r) => {
    events.push(event);
    for (const run of r) runs.push({ ...run, eventId: event.id });
  });
  await runtime.start();
  const problems = runtime.bots.problems();
  if (problems.length) throw new Error(`Bots failed to load:\n${problems.map((p) => `  ${p.file}: ${p.reason}. Fix: ${p.fix}`).join('\n')}`);

  const settle = async <T>(p: Promise<T>): Promise<T> => {
    const result = await p;
    await runtime.idle();
    return result;
  };

  return {
    runtime,
    me: platform.botUser,
    user(id, name, opts) {
      const ref: UserRef = { id, ...(name ? { name } : {}), ...(opts?.isBot ? { isBot: true } : {}) };
      platform.state.user(ref);
      return {
        ...ref,
        say: (c, text, o) => settle(platform.act.say(ref, c, text, o)),
        flag: (c, m, reason) => settle(platform.act.flag(ref, c, m, reason)),
        join: (c) => settle(platform.act.join(ref, c)),
        leave: (c) => settle(platform.act.leave(ref, c)),
        react: (c, m, type) => settle(platform.act.react(ref, c, m, type)),
        edit: (c, m, text) => settle(platform.act.edit(ref, c, m, text)),
        delete: (c, m) => settle(platform.act.delete(ref, c, m)),
        stop: (c) => settle(platform.act.stop(ref, c)),
      };
    },
    async fireSchedule(name, at) {
      await runtime!.scheduler.runNow(name, at ?? new Date(clock.now()));
    },
    clock,
    conversation: (id) => platform.state.conversation(id),
    botMessages: (c) => platform.state.conversation(c).messages.filter((m) => m.user.id === platform.botUser.id),
    runs,
    events,
    indicators: (c) => platform.state.conversation(c).indicators.map((i) => i.state),
    revisions: (c, m) => [...(platform.state.conversation(c).revisions.get(m) ?? [])],
    streams,
    platform: platform.state,
    stop: () => runtime.stop(),
  };
}

export type { Attachment, LocalBan, LocalConversation, LocalMessage, SayOptions };
