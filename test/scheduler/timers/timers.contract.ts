/**
 * The TimerBackend contract, run against every backend (memory, SQLite, Redis). A harness hands out
 * backend "instances" that share one storage (as processes share a database or Redis) and lets time
 * pass: a manual clock is advanced, a real one is waited on (timers here are due within a second).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { DueHandler, FireDecision, TimerBackend, TimerRecord } from '../../../src/scheduler/timers/types.ts';

export interface TimersHarness {
  /** A backend on the shared storage: another instance. */
  instance(options?: { concurrency?: number }): TimerBackend;
  /** The time the backends go by. */
  now(): number;
  /** Lets time pass until `check()` holds: at most `ms` of backend time (plus slack on a real clock). */
  until(check: () => boolean, ms: number, what: string): Promise<void>;
  /** Durable backends: every instance dies without stopping (as on SIGKILL); a fresh instance on the same storage. */
  restart?(): Promise<TimerBackend>;
  close(): Promise<void>;
}

let seq = 0;
const record = (over: Partial<TimerRecord> & { dueAt: number }): TimerRecord => ({
  bot: 'b',
  id: `t${++seq}`,
  name: 'ping',
  payload: { n: seq },
  createdAt: over.dueAt - 1000,
  attempt: 1,
  ...over,
});

/** Records what each instance was handed; answers with `decide` (default: done). */
function recorder(decide: (t: TimerRecord) => FireDecision = () => ({ kind: 'done' })) {
  const fired: Array<TimerRecord & { by: string }> = [];
  const handler = (by: string): DueHandler => async (t) => {
    fired.push({ ...t, by });
    return decide(t);
  };
  return { fired, handler, ids: () => fired.map((f) => f.id) };
}

export function runTimersContract(name: string, make: () => Promise<TimersHarness>) {
  describe(`TimerBackend contract: ${name}`, () => {
    let h: TimersHarness | undefined;
    const harness = async () => (h = await make());
    afterEach(async () => {
      await h?.close();
      h = undefined;
    });

    it('a timer scheduled twice with the same id exists once, keeps its first payload, and fires once', async () => {
      const h = await harness();
      const a = h.instance();
      const first = record({ id: 'same', dueAt: h.now() + 300, payload: 'first' });
      expect(await a.schedule(first)).toBe(true);
      expect(await a.schedule({ ...first, payload: 'second', dueAt: h.now() + 100 })).toBe(false);
      expect((await a.list('b')).map((t) => [t.id, t.payload])).toEqual([['same', 'first']]);
      const r = recorder();
      a.start(r.handler('a'));
      await h.until(() => r.fired.length >= 1, 1000, 'the timer fired');
      expect(r.fired.map((f) => f.payload)).toEqual(['first']);
      // Fired ids stay taken: a handler retried after firing cannot schedule it again.
      expect(await a.schedule(first)).toBe(false);
      await settled(a, h, 'same', undefined);
      expect(await a.schedule(first)).toBe(false);
    });

    it('get and list: earliest first, the bot\'s own, filtered by user and conversation', async () => {
      const h = await harness();
      const a = h.instance();
      const now = h.now();
      const kim = { id: 'kim', name: 'Kim' };
      await a.schedule(record({ id: 'late', dueAt: now + 60_000, user: kim, conversation: { platform: 'local', id: 'x' } }));
      await a.schedule(record({ id: 'soon', dueAt: now + 30_000, user: { id: 'lu' }, conversation: { platform: 'local', id: 'x' } }));
      await a.schedule(record({ id: 'kim-y', dueAt: now + 45_000, user: kim, conversation: { platform: 'local', id: 'y' } }));
      await a.schedule(record({ bot: 'other', id: 'soon', dueAt: now + 10_000 }));
      expect((await a.list('b')).map((t) => t.id)).toEqual(['soon', 'kim-y', 'late']);
      expect((await a.list('b', { user: 'kim' })).map((t) => t.id)).toEqual(['kim-y', 'late']);
      expect((await a.list('b', { conversation: 'local:x' })).map((t) => t.id)).toEqual(['soon', 'late']);
      expect((await a.list('b', { user: 'kim', conversation: 'local:y' })).map((t) => t.id)).toEqual(['kim-y']);
      expect((await a.list(undefined)).map((t) => `${t.bot}/${t.id}`)).toEqual(['other/soon', 'b/soon', 'b/kim-y', 'b/late']);
      const got = await a.get('b', 'late');
      expect(got).toMatchObject({ bot: 'b', id: 'late', name: 'ping', dueAt: now + 60_000, runAt: now + 60_000, state: 'pending', attempt: 1, user: kim, conversation: { platform: 'local', id: 'x' } });
      expect(await a.get('b', 'nope')).toBeUndefined();
    });

    it('cancel removes a timer for every instance: nobody fires it', async () => {
      const h = await harness();
      const a = h.instance();
      const b = h.instance();
      const r = recorder();
      a.start(r.handler('a'));
      b.start(r.handler('b'));
      // Due in 1 s, not 300 ms: the cancel below must come first, and on a loaded box (two full runs) the
      // scheduling and the cancel took longer than 300 ms once. The sentinel comes after it.
      await a.schedule(record({ id: 'doomed', dueAt: h.now() + 1000 }));
      await a.schedule(record({ id: 'sentinel', dueAt: h.now() + 1300 }));
      expect(await b.cancel('b', 'doomed')).toBe(true);
      expect(await a.get('b', 'doomed')).toBeUndefined();
      expect(await b.cancel('b', 'doomed')).toBe(false);
      expect((await a.list('b')).map((t) => t.id)).toEqual(['sentinel']);
      await h.until(() => r.fired.length >= 1, 1500, 'the sentinel fired');
      expect(r.ids()).toEqual(['sentinel']);
      // A cancelled id is free again.
      expect(await b.schedule(record({ id: 'doomed', dueAt: h.now() + 60_000 }))).toBe(true);
    });

    it('fires each due timer exactly once across two instances sharing the backend', async () => {
      const h = await harness();
      const a = h.instance();
      const b = h.instance();
      const r = recorder();
      a.start(r.handler('a'));
      b.start(r.handler('b'));
      const due = h.now() + 300;
      await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).schedule(record({ id: `x${i}`, dueAt: due + (i % 3) * 10 }))));
      await h.until(() => r.fired.length >= 30, 1500, '30 timers fired');
      // Anything fired twice would have shown up by the time a later timer fires.
      await a.schedule(record({ id: 'sentinel', dueAt: h.now() + 300 }));
      await h.until(() => r.ids().includes('sentinel'), 1500, 'the sentinel fired');
      const counts = new Map<string, number>();
      for (const id of r.ids()) counts.set(id, (counts.get(id) ?? 0) + 1);
      expect([...counts.values()].every((n) => n === 1)).toBe(true);
      expect(counts.size).toBe(31);
      expect(await a.list('b')).toEqual([]);
    });

    it('hands due timers over in order of due time', async () => {
      const h = await harness();
      const a = h.instance({ concurrency: 1 });
      const base = h.now() - 5000;
      for (const i of [3, 0, 4, 1, 2]) await a.schedule(record({ id: `o${i}`, dueAt: base + i * 100 }));
      await a.schedule(record({ id: 'o5', dueAt: h.now() + 200 }));
      const r = recorder();
      a.start(r.handler('a'));
      await h.until(() => r.fired.length >= 6, 1500, 'six timers fired');
      expect(r.ids()).toEqual(['o0', 'o1', 'o2', 'o3', 'o4', 'o5']);
    });

    it('a retry hands the timer over again at its time with the next attempt; failed keeps it until fired again', async () => {
      const h = await harness();
      const a = h.instance();
      const r = recorder((t) => (t.attempt === 1 ? { kind: 'retry', at: h.now() + 200, error: 'platform down' } : { kind: 'failed', error: 'still down' }));
      a.start(r.handler('a'));
      await a.schedule(record({ id: 'flaky', dueAt: h.now() + 100 }));
      await h.until(() => r.fired.length >= 2, 1500, 'two tries');
      expect(r.fired.map((f) => f.attempt)).toEqual([1, 2]);
      const failed = await settled(a, h, 'flaky', 'failed');
      expect(failed).toMatchObject({ state: 'failed', error: 'still down', attempt: 2 });
      expect(await a.list('b')).toEqual([]); // pending only, by default
      expect((await a.list('b', { includeFailed: true })).map((t) => t.id)).toEqual(['flaky']);
      expect(await a.schedule(record({ id: 'flaky', dueAt: h.now() }))).toBe(false);
      // "Fire now" (the console) gives it another try.
      expect(await a.fireNow('b', 'flaky')).toBe(true);
      await h.until(() => r.fired.length >= 3, 1500, 'a third try');
    });

    it('fireNow makes a pending timer due at once; cancel of a failed timer removes it', async () => {
      const h = await harness();
      const a = h.instance();
      const r = recorder(() => ({ kind: 'failed', error: 'no' }));
      a.start(r.handler('a'));
      await a.schedule(record({ id: 'later', dueAt: h.now() + 3_600_000 }));
      expect(await a.fireNow('b', 'later')).toBe(true);
      expect(await a.fireNow('b', 'missing')).toBe(false);
      await h.until(() => r.fired.length >= 1, 1000, 'fired now');
      expect(r.fired[0]).toMatchObject({ id: 'later', dueAt: expect.any(Number) });
      await settled(a, h, 'later', 'failed');
      expect(await a.cancel('b', 'later')).toBe(true);
      expect(await a.get('b', 'later')).toBeUndefined();
    });

    it('survives a restart: a timer due while nothing ran fires when an instance comes back', async () => {
      const h = await harness();
      if (!h.restart) return; // memory timers live in one process by design
      const a = h.instance();
      const r = recorder();
      a.start(r.handler('a'));
      await a.schedule(record({ id: 'durable', dueAt: h.now() + 400, payload: { text: 'tea' } }));
      const b = await h.restart();
      expect((await b.list('b')).map((t) => t.id)).toEqual(['durable']);
      b.start(r.handler('b'));
      await h.until(() => r.fired.length >= 1, 1500, 'fired after the restart');
      expect(r.fired).toEqual([expect.objectContaining({ id: 'durable', by: 'b', payload: { text: 'tea' } })]);
    });
  });
}

/**
 * Lets time pass until timer `id` of bot 'b' is in `state` (undefined: gone). A handler's decision is
 * recorded after it returns, so right after a fire the backend may still show the timer as firing.
 */
async function settled(backend: TimerBackend, h: TimersHarness, id: string, state: 'failed' | undefined) {
  let found: Awaited<ReturnType<TimerBackend['get']>>;
  for (let i = 0; i < 500; i++) {
    found = await backend.get('b', id);
    if (found?.state === state) return found;
    await h.until(() => true, 10, 'a moment');
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timer ${id} never became ${state ?? 'gone'} (last: ${JSON.stringify(found)})`);
}
