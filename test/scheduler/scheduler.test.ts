import { describe, expect, it } from 'vitest';
import { createScheduler } from '../../src/scheduler/scheduler.ts';
import { silentLogger } from '../../src/runtime/log.ts';
import { createMemoryStore } from '../../src/state/memory.ts';
import type { ScheduleEntry } from '../../src/runtime/bot.ts';

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
});
