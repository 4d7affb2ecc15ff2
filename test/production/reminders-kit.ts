/**
 * The reminders side of the production timer tests: users ask `/remind in <delay> r-<n>` in many
 * Stream channels (through signed webhooks), and the tally of reminders the bot posted, with when each
 * was due (its message time + delay) and when it landed (the emulator's created_at).
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
  /** Reminders posted before their due time or more than `slackMs` after it (text → ms late, negative: early). */
  offTime(slackMs: number): Record<string, number>;
}

/** Seeds `channels` × `perChannel` `/remind in <delaySec>s r-<n>` messages and starts tallying the bot's reminders. */
export async function seedReminders(world: StreamWorld, tag: string, channels: number, perChannel: number, delaySec: number): Promise<{ items: Seeded[]; tally: ReminderTally }> {
  const posted = new Map<string, number[]>();
  world.emu.on('event', (e: Loose) => {
    const m = e.type === 'message.new' && e.user?.id === 'botyard' ? /reminder(?: \([^)]*\))?: (r-\S+)$/.exec(e.message.text) : null;
    if (m) posted.set(m[1]!, [...(posted.get(m[1]!) ?? []), Date.parse(e.message.created_at)]);
  });
  const items = await world.seed(tag, channels, perChannel, (c, n) => `/remind in ${delaySec}s r-${tag}-${c}-${n}`);
  const due = new Map<string, number>();
  for (const item of items) {
    const created = Date.parse(JSON.parse(item.body).message.created_at);
    due.set(/(r-\S+)$/.exec(item.text)![1]!, created + delaySec * 1000);
  }
  return {
    items,
    tally: {
      posted,
      due,
      notOnce() {
        const bad: Record<string, number> = {};
        for (const text of due.keys()) if ((posted.get(text)?.length ?? 0) !== 1) bad[text] = posted.get(text)?.length ?? 0;
        return bad;
      },
      offTime(slackMs) {
        const bad: Record<string, number> = {};
        for (const [text, at] of due) {
          const when = posted.get(text)?.[0];
          if (when !== undefined && (when < at || when > at + slackMs)) bad[text] = when - at;
        }
        return bad;
      },
    },
  };
}
