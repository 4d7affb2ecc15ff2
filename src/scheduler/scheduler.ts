/**
 * Bot schedules on node-cron 4. Every task is `distributed`, with node-cron's RunCoordinator backed
 * by the state store: the first instance to claim `<task>:<slot time>` runs that tick, the others
 * skip it. With the memory store that is one process; with Redis it is the whole cluster.
 * A tick that fell while no instance ran is skipped (logged) or run once, per schedule: catch-up.ts.
 */
import cron, { type RunCoordinator, type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import type { StateStore } from '../state/store.ts';
import type { ScheduleEntry } from '../runtime/bot.ts';
import { catchUpMissed, recordNextSlot } from './catch-up.ts';

/** What the scheduler asks the runtime to do when a tick is won; `catchUp` marks the run of a missed tick. */
export type TickRunner = (bot: string, entry: ScheduleEntry, slot: Date, info?: { catchUp?: boolean }) => Promise<void>;

export interface ScheduleInfo {
  /** `<bot>:<schedule name>`: unique across the runtime. */
  id: string;
  bot: string;
  name: string;
  cron: string;
  timezone: string | undefined;
  target: string | undefined;
  nextRun: string | undefined;
}

export interface SchedulerOptions {
  store: StateStore;
  log: Logger;
  run: TickRunner;
  /** Identifies this instance in the claim, for debugging. */
  instanceId?: string;
  /** Start tasks (false in tests that drive ticks by hand). Default true. */
  autoStart?: boolean;
  /** The time now, for catching up missed ticks. Default Date.now. */
  now?: () => number;
}

interface Registered {
  info: Omit<ScheduleInfo, 'nextRun'>;
  entry: ScheduleEntry;
  task: ScheduledTask;
}

const CLAIM_TTL_MS = 10 * 60_000;

export function createScheduler(options: SchedulerOptions) {
  const tasks = new Map<string, Registered>();
  const owner = options.instanceId ?? `${process.pid}`;
  const now = options.now ?? Date.now;
  const checks = new Set<Promise<void>>();
  const coordinator: RunCoordinator = {
    // The key already names the slot, so a TTL only has to outlive clock skew between instances.
    shouldRun: (key, ttlMs) => options.store.setIfNotExists(`cron:${key}`, owner, { ttlMs: Math.max(ttlMs ?? 0, CLAIM_TTL_MS) }),
  };

  const claim = (id: string, slot: Date) => Promise.resolve(coordinator.shouldRun(`${id}:${slot.toISOString()}`, CLAIM_TTL_MS));
  /** The first slot after `slot` (getNextRuns counts from the real now, which may still be `slot`). */
  const slotAfter = (task: ScheduledTask, slot: Date) => task.getNextRuns(2).find((d) => d.getTime() > slot.getTime());

  /** A won tick: remember the slot after it (so a restart can tell what was missed), then run it. */
  async function runWon(id: string, bot: string, entry: ScheduleEntry, task: ScheduledTask, slot: Date): Promise<void> {
    await recordNextSlot(options.store, id, entry, slotAfter(task, slot)).catch((err) => options.log.warn({ err, schedule: id }, 'could not record the next slot'));
    await options.run(bot, entry, slot);
  }

  /** Claims the slot for this instance and runs the tick if won. Returns whether it ran. */
  async function tick(id: string, slot: Date): Promise<boolean> {
    const r = tasks.get(id);
    if (!r) throw new Error(`No schedule '${id}'. Known: ${[...tasks.keys()].join(', ') || 'none'}`);
    if (!(await claim(id, slot))) return false;
    await runWon(id, r.info.bot, r.entry, r.task, slot);
    return true;
  }

  /** Skips or runs once a tick that fell while no instance ran (in the background of `add`). */
  function checkMissed(id: string, bot: string, entry: ScheduleEntry, task: ScheduledTask): void {
    const check = catchUpMissed(id, entry, task.getNextRuns(1)[0], {
      store: options.store,
      log: options.log,
      now,
      claim,
      run: (slot) => (tasks.get(id)?.entry === entry ? options.run(bot, entry, slot, { catchUp: true }) : Promise.resolve()),
    })
      .catch((err) => options.log.error({ err, schedule: id }, `schedule ${id}: could not check for a missed tick`))
      .finally(() => checks.delete(check));
    checks.add(check);
  }

  return {
    /** Registers (and starts) one schedule of `bot`. Throws on an invalid cron expression. */
    add(bot: string, entry: ScheduleEntry): void {
      const id = `${bot}:${entry.name}`;
      if (!cron.validate(entry.cron)) throw new Error(`schedule '${entry.name}': '${entry.cron}' is not a valid cron expression (e.g. '0 9 * * 1' for Mondays at 9:00)`);
      tasks.get(id)?.task.destroy();
      const task = cron.createTask(
        entry.cron,
        async (context) => {
          // Only the instance that won the slot's claim gets here (distributed + runCoordinator).
          await runWon(id, bot, entry, task, context.date);
        },
        {
          name: id,
          ...(entry.options.timezone ? { timezone: entry.options.timezone } : {}),
          distributed: true,
          runCoordinator: coordinator,
          noOverlap: true,
          logger: {
            info: (m) => options.log.debug({ schedule: id }, m),
            warn: (m) => options.log.warn({ schedule: id }, m),
            error: (m, err) => options.log.error({ schedule: id, err }, String(m)),
            debug: (m) => options.log.debug({ schedule: id }, String(m)),
          },
        },
      );
      const target = entry.options.target;
      tasks.set(id, {
        info: { id, bot, name: entry.name, cron: entry.cron, timezone: entry.options.timezone, target: typeof target === 'string' ? target : target ? `${target.platform}:${target.id}` : undefined },
        entry,
        task,
      });
      if (options.autoStart !== false) task.start();
      checkMissed(id, bot, entry, task);
    },

    /** Resolves when the missed-tick checks of every schedule added so far are done (tests, start-up). */
    async settled(): Promise<void> {
      await Promise.all([...checks]);
    },

    /** Stops and forgets every schedule of `bot` (hot reload, removal). */
    removeBot(bot: string): void {
      for (const [id, r] of tasks) {
        if (r.info.bot === bot) {
          r.task.destroy();
          tasks.delete(id);
        }
      }
    },

    list(): ScheduleInfo[] {
      return [...tasks.values()].map((r) => ({ ...r.info, nextRun: r.task.getNextRun()?.toISOString() }));
    },

    tick,

    /** Runs a schedule now, outside its cron times (the console's "run now", `fireSchedule` in tests); `slot` is the time the tick claims to be. */
    async runNow(id: string, slot: Date = new Date()): Promise<void> {
      const r = tasks.get(id) ?? [...tasks.values()].find((t) => t.info.name === id);
      if (!r) throw new Error(`No schedule '${id}'. Known: ${[...tasks.keys()].join(', ') || 'none'}`);
      await options.run(r.info.bot, r.entry, slot);
    },

    stop(): void {
      for (const r of tasks.values()) r.task.destroy();
      tasks.clear();
    },
  };
}

export type Scheduler = ReturnType<typeof createScheduler>;
