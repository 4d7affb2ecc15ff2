import { describe, expect, it } from 'vitest';
import { createScheduler } from '../../src/scheduler/scheduler.ts';
import { silentLogger } from '../../src/runtime/log.ts';
import { createMemoryStore } from '../../src/state/memory.ts';
import type { ScheduleEntry } from '../../src/runtime/bot.ts';
import { logLines } from '../helpers/log-lines.ts';

const entry = (cron: string, options: ScheduleEntry['options'] = {}): ScheduleEntry => ({ name: 'tick', cron, options, handler: () => {} });

describe('scheduler', () => {
  it('two instances on one store run each tick exactly once', async () => {
    const store = createMemoryStore();
    const ran: string[] = [];
    const make = (who: string) => createScheduler({ store, log: silentLogger, autoStart: false, instanceId: who, run: async (_bot, _e, slot) => void ran.push(`${who}@${slot.toISOString()}`) });
    const a = make('a');
    const b = make('b');
    a.add('bot', entry('* * * * * *'));
    b.add('bot', entry('* * * * * *'));
    const base = Date.UTC(2026, 0, 5, 9, 0, 0);
    for (let i = 0; i < 10; i++) {
      const slot = new Date(base + i * 1000);
      // Both instances see every tick, in either order; one wins.
      const results = await Promise.all(i % 2 ? [a.tick('bot:tick', slot), b.tick('bot:tick', slot)] : [b.tick('bot:tick', slot), a.tick('bot:tick', slot)]);
      expect(results.filter(Boolean)).toHaveLength(1);
    }
    expect(ran).toHaveLength(10);
    expect(new Set(ran.map((r) => r.split('@')[1])).size).toBe(10);
    a.stop();
    b.stop();
  });

  it('computes the next run in the schedule timezone', () => {
    const s = createScheduler({ store: createMemoryStore(), log: silentLogger, run: async () => {} });
    s.add('bot', entry('0 9 * * 1', { timezone: 'America/New_York' }));
    const [info] = s.list();
    const next = new Date(info!.nextRun!);
    // 9:00 in New York is 13:00 or 14:00 UTC (DST), on a Monday.
    expect([13, 14]).toContain(next.getUTCHours());
    expect(next.getUTCDay()).toBe(1);
    s.stop();
  });

  it('a real cron tick fires through node-cron', async () => {
    const fired = new Promise<Date>((resolve) => {
      const s = createScheduler({ store: createMemoryStore(), log: silentLogger, run: async (_b, _e, slot) => { s.stop(); resolve(slot); } });
      s.add('bot', entry('* * * * * *'));
    });
    const slot = await fired;
    expect(slot.getMilliseconds()).toBe(0);
  });

  it('rejects an invalid cron expression with an example of a valid one', () => {
    const s = createScheduler({ store: createMemoryStore(), log: silentLogger, run: async () => {} });
    expect(() => s.add('bot', entry('every monday'))).toThrow(/not a valid cron expression.*0 9 \* \* 1/);
  });

  describe('catch-up of ticks that fell while no instance ran', () => {
    const capture = () => logLines<{ level: number; msg: string }>('info');
    const daily = (catchUp?: 'skip' | 'once'): ScheduleEntry => ({ name: 'daily', cron: '0 9 * * *', options: { timezone: 'UTC', ...(catchUp ? { catchUp } : {}) }, handler: () => {} });
    type Ran = { slot: string; catchUp: boolean | undefined };
    const make = (store: ReturnType<typeof createMemoryStore>, ran: Ran[], log = silentLogger, who = 'a') =>
      createScheduler({ store, log, autoStart: false, instanceId: who, run: async (_b, _e, slot, info) => void ran.push({ slot: slot.toISOString(), catchUp: info?.catchUp }) });
    const missedSlot = '2026-01-05T09:00:00.000Z';
    /** A store as a cluster left it: the last tick it ran was the day before `missedSlot`. */
    const leftBehind = async (entry = daily()) => {
      const store = createMemoryStore();
      await store.set('cron-next:bot:daily', { cron: entry.cron, timezone: 'UTC', next: missedSlot });
      return store;
    };

    it('default: skipped, and a warning names the slot and the fix', async () => {
      const store = await leftBehind();
      const ran: Ran[] = [];
      const { lines, log } = capture();
      const s = make(store, ran, log);
      s.add('bot', daily());
      await s.settled();
      expect(ran).toEqual([]);
      expect(lines.filter((l) => l.level === 40).map((l) => l.msg)).toEqual([expect.stringMatching(/bot:daily: the tick of 2026-01-05T09:00:00.000Z .* fell while no instance was running; skipped. Set \{ catchUp: 'once' \}/)]);
      // The stored next slot moved on: a second start finds nothing missed.
      expect(Date.parse((await store.get<{ next: string }>('cron-next:bot:daily'))!.next)).toBeGreaterThan(Date.now());
      s.stop();
    });

    it("catchUp: 'once' runs the missed tick once, even when two instances start together", async () => {
      const store = await leftBehind();
      const ran: Ran[] = [];
      const a = make(store, ran, silentLogger, 'a');
      const b = make(store, ran, silentLogger, 'b');
      a.add('bot', daily('once'));
      b.add('bot', daily('once'));
      await Promise.all([a.settled(), b.settled()]);
      expect(ran).toEqual([{ slot: missedSlot, catchUp: true }]);
      const c = make(store, ran);
      c.add('bot', daily('once'));
      await c.settled();
      expect(ran).toHaveLength(1);
      for (const s of [a, b, c]) s.stop();
    });

    it('never catches up a slot some instance did run, nor one of a different cron expression', async () => {
      const store = await leftBehind();
      await store.set(`cron:bot:daily:${missedSlot}`, 'other-instance');
      const ran: Ran[] = [];
      const s = make(store, ran);
      s.add('bot', daily('once'));
      await s.settled();
      expect(ran).toEqual([]);

      const changed = await leftBehind();
      const t = make(changed, ran);
      t.add('bot', { ...daily('once'), cron: '30 9 * * *' });
      await t.settled();
      expect(ran).toEqual([]);
      s.stop();
      t.stop();
    });

    it('a won tick records the slot after it, so a restart right after finds nothing missed', async () => {
      const store = createMemoryStore();
      const ran: Ran[] = [];
      const s = make(store, ran);
      s.add('bot', entry('* * * * * *'));
      await s.settled();
      const slot = new Date(Math.floor(Date.now() / 1000) * 1000);
      expect(await s.tick('bot:tick', slot)).toBe(true);
      const next = Date.parse((await store.get<{ next: string }>('cron-next:bot:tick'))!.next);
      expect(next).toBeGreaterThan(slot.getTime());
      s.stop();
    });
  });
});
