/**
 * Cron ticks that fell while no instance was running. Each schedule keeps its next slot in the state
 * store (`cron-next:<bot>:<name>`), written whenever an instance claims a tick. An instance that starts
 * and finds that slot in the past knows a tick was missed by everyone, and follows the schedule's
 * `catchUp` policy:
 * - `'skip'` (default): the tick is not run; a warning names the slot and how to change the policy.
 * - `'once'`: the handler runs once for the missed slot (`ctx.event.raw.catchUp === true`), however
 *   many ticks were missed in a row.
 * The decision claims the slot with the same key a live tick would (`cron:<bot>:<name>:<slot>`), so
 * it is taken once across instances starting together, and never for a slot someone did run.
 */
import type { Logger } from 'pino';
import type { ScheduleEntry } from '../runtime/bot.ts';
import type { StateStore } from '../state/store.ts';

/** What is stored per schedule: its next slot, and what it was computed from. */
interface NextSlot {
  cron: string;
  timezone: string | null;
  /** ISO time. */
  next: string;
}

export interface CatchUpDeps {
  store: StateStore;
  log: Logger;
  now(): number;
  /** Claims a slot as a live tick would; true when this instance won it. */
  claim(id: string, slot: Date): Promise<boolean>;
  run(slot: Date): Promise<void>;
}

const nextKey = (id: string) => `cron-next:${id}`;
const sameSchedule = (s: NextSlot | undefined, entry: ScheduleEntry) =>
  s !== undefined && s.cron === entry.cron && s.timezone === (entry.options.timezone ?? null);

/** Records that the schedule's next slot is `next` (never moves it backward). */
export async function recordNextSlot(store: StateStore, id: string, entry: ScheduleEntry, next: Date | undefined): Promise<void> {
  if (!next) return;
  const value: NextSlot = { cron: entry.cron, timezone: entry.options.timezone ?? null, next: next.toISOString() };
  await store.update<NextSlot>(nextKey(id), (old) => (sameSchedule(old, entry) && old!.next >= value.next ? old! : value));
}

/**
 * At registration: if the stored next slot of this schedule is in the past, nobody ran it; skip or
 * run it once, per `entry.options.catchUp`. Then records `upcoming` as the next slot.
 */
export async function catchUpMissed(id: string, entry: ScheduleEntry, upcoming: Date | undefined, deps: CatchUpDeps): Promise<void> {
  const stored = await deps.store.get<NextSlot>(nextKey(id));
  const missed = sameSchedule(stored, entry) && Date.parse(stored!.next) < deps.now() ? new Date(stored!.next) : undefined;
  if (missed && (await deps.claim(id, missed))) {
    const lateMin = Math.round((deps.now() - missed.getTime()) / 60_000);
    if (entry.options.catchUp === 'once') {
      deps.log.info({ schedule: id, slot: missed.toISOString() }, `schedule ${id}: catching up the tick of ${missed.toISOString()} (${lateMin} min ago), missed while no instance was running`);
      await deps.run(missed);
    } else {
      deps.log.warn(
        { schedule: id, slot: missed.toISOString() },
        `schedule ${id}: the tick of ${missed.toISOString()} (${lateMin} min ago) fell while no instance was running; skipped. Set { catchUp: 'once' } on the schedule to run it once on start instead.`,
      );
    }
  }
  await recordNextSlot(deps.store, id, entry, upcoming);
}
