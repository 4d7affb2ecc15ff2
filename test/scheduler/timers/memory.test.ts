import { describe, expect, it } from 'vitest';
import { createManualClock } from '../../../src/scheduler/timers/manual-clock.ts';
import { createMemoryTimerTable, createMemoryTimers } from '../../../src/scheduler/timers/memory.ts';
import type { TimerBackend } from '../../../src/scheduler/timers/types.ts';
import { runTimersContract } from './timers.contract.ts';

runTimersContract('memory', async () => {
  const clock = createManualClock();
  const table = createMemoryTimerTable();
  const instances: TimerBackend[] = [];
  return {
    instance: (options) => {
      const backend = createMemoryTimers({ clock, table, ...options });
      instances.push(backend);
      return backend;
    },
    now: clock.now,
    async until(check, ms, what) {
      await clock.advance(ms);
      if (!check()) throw new Error(`${what}: still not so after ${ms} ms of clock time`);
    },
    close: async () => void (await Promise.all(instances.map((i) => i.stop()))),
  };
});

describe('memory timers', () => {
  it('sleep until the nearest due time: one wake-up pending, moved when an earlier timer arrives', async () => {
    const clock = createManualClock({ start: 0 });
    const timers = createMemoryTimers({ clock });
    timers.start(async () => ({ kind: 'done' }));
    await timers.schedule({ bot: 'b', id: 'a', name: 'n', dueAt: 60_000, payload: null, createdAt: 0, attempt: 1 });
    await timers.schedule({ bot: 'b', id: 'b', name: 'n', dueAt: 120_000, payload: null, createdAt: 0, attempt: 1 });
    await Promise.resolve();
    expect(clock.pending().map((d) => d.getTime())).toEqual([60_000]);
    await timers.schedule({ bot: 'b', id: 'c', name: 'n', dueAt: 5_000, payload: null, createdAt: 0, attempt: 1 });
    await Promise.resolve();
    expect(clock.pending().map((d) => d.getTime())).toEqual([5_000]);
    await timers.stop();
  });

  it('a fired id is free again after keepFiredMs', async () => {
    const clock = createManualClock({ start: 0 });
    const timers = createMemoryTimers({ clock, keepFiredMs: 1000 });
    timers.start(async () => ({ kind: 'done' }));
    const t = { bot: 'b', id: 'a', name: 'n', dueAt: 10, payload: null, createdAt: 0, attempt: 1 };
    await timers.schedule(t);
    await clock.advance(10);
    expect(await timers.schedule(t)).toBe(false);
    await clock.advance(1000);
    expect(await timers.schedule(t)).toBe(true);
    await timers.stop();
  });
});
