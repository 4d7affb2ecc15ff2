/**
 * The reminders side of the production timer tests: users ask `/remind in <delay> r-<n>` in many
 * Stream channels (through signed webhooks), and the tally of reminders the bot posted, with when each
 * was due (its message time + delay) and when it landed (the emulator's created_at).
 *
 * The tests crash a process with reminders pending and judge each reminder by where its due time fell
 * against the crash: before the kill (the old process may have posted it, or died while posting it),
 * while no process could fire it (between the kill and the moment a process was up again), or after.
 * Each must be posted exactly once and never before it is due; one due after `upAt` at its time, one
 * due before `upAt` promptly once a process is up (see `offTime`).
 */
import type { StreamWorld, Seeded } from './stream-kit.ts';

type Loose = any;

export interface ReminderTally {
  /** Reminders posted, by their text (`r-<n>`): the creation times of each post. */
  posted: Map<string, number[]>;
  /** When each asked reminder is due, by text. */
  due: Map<string, number>;
  /** Reminders not posted exactly once (text → count), for failure messages. */
  notOnce(): Record<string, number>;
  /**
   * Reminders posted before their due time, or more than `slackMs` after the later of their due time
   * and `upAt` (when a process able to fire them was up again): text → ms late against that bound's
   * start (negative: early).
   */
  offTime(slackMs: number, upAt?: number): Record<string, number>;
  /** The asked reminders by where their due time fell: before `killAt`, from `killAt` to `upAt`, from `upAt` on. */
  classes(killAt: number, upAt: number): { beforeKill: string[]; whileDown: string[]; afterUp: string[] };
  /** "n <p50>/<p90>/<max> ms" of how late the given reminders landed after the later of their due time and `upAt`. */
  lateness(texts: string[], upAt?: number): string;
}

/** Starts tallying the bot's reminders as the emulator sees them posted. */
export function tallyReminders(world: StreamWorld): ReminderTally {
  const posted = new Map<string, number[]>();
  const due = new Map<string, number>();
  world.emu.on('event', (e: Loose) => {
    const m = e.type === 'message.new' && e.user?.id === 'botyard' ? /reminder(?: \([^)]*\))?: (r-\S+)$/.exec(e.message.text) : null;
    if (m) posted.set(m[1]!, [...(posted.get(m[1]!) ?? []), Date.parse(e.message.created_at)]);
  });
  const lateOf = (text: string, upAt: number) => posted.get(text)![0]! - Math.max(due.get(text)!, upAt);
  return {
    posted,
    due,
    notOnce() {
      const bad: Record<string, number> = {};
      for (const text of due.keys()) if ((posted.get(text)?.length ?? 0) !== 1) bad[text] = posted.get(text)?.length ?? 0;
      return bad;
    },
    offTime(slackMs, upAt = 0) {
      const bad: Record<string, number> = {};
      for (const [text, at] of due) {
        const when = posted.get(text)?.[0];
        if (when === undefined) continue;
        if (when < at) bad[text] = when - at;
        else if (when > Math.max(at, upAt) + slackMs) bad[text] = lateOf(text, upAt);
      }
      return bad;
    },
    classes(killAt, upAt) {
      const out = { beforeKill: [] as string[], whileDown: [] as string[], afterUp: [] as string[] };
      for (const [text, at] of due) (at < killAt ? out.beforeKill : at < upAt ? out.whileDown : out.afterUp).push(text);
      return out;
    },
    lateness(texts, upAt = 0) {
      const ms = texts.filter((t) => posted.has(t)).map((t) => lateOf(t, upAt)).sort((x, y) => x - y);
      const at = (q: number) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))];
      return ms.length ? `${ms.length}: ${at(0.5)}/${at(0.9)}/${ms[ms.length - 1]} ms` : '0';
    },
  };
}

/**
 * Seeds `channels` × `perChannel` `/remind in <delaySec(c, n)>s r-<tag>-<c>-<n>` messages (channels
 * `<tag>-<c>`) and records when each is due in `tally`.
 */
export async function seedReminders(world: StreamWorld, tally: ReminderTally, tag: string, channels: number, perChannel: number, delaySec: (channel: number, n: number) => number): Promise<Seeded[]> {
  const delays = new Map<string, number>();
  const items = await world.seed(tag, channels, perChannel, (c, n) => {
    const text = `r-${tag}-${c}-${n}`;
    delays.set(text, delaySec(c, n));
    return `/remind in ${delays.get(text)}s ${text}`;
  });
  for (const item of items) {
    const created = Date.parse(JSON.parse(item.body).message.created_at);
    const text = /(r-\S+)$/.exec(item.text)![1]!;
    tally.due.set(text, created + delays.get(text)! * 1000);
  }
  return items;
}

/** Seconds, rounded up, and at least `min`. */
export const seconds = (ms: number, min = 1) => Math.max(min, Math.ceil(ms / 1000));
