import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startAcsEmulator, type AcsEmulator } from '../../../src/emulator/acs/index.ts';
import { createMemoryStore } from '../../../src/state/memory.ts';
import type { StateStore } from '../../../src/state/store.ts';
import { startAdapter, texts, type Harness } from './helpers.ts';

/**
 * Calls per cycle ≤ 1 + threads with news + paging (bench/acs): the cycles the 10k-thread bench saw
 * over that bound, reproduced on the emulator with its clock pinned.
 */

let emulator: AcsEmulator;
/** The emulator's clock: real time unless a test pins it, or shifts it (then it runs). */
let pinned: number | undefined;
let shift = 0;
const running: Harness[] = [];
beforeAll(async () => {
  emulator = await startAcsEmulator({ now: () => pinned ?? Date.now() + shift });
});
afterEach(async () => {
  pinned = undefined;
  shift = 0;
  emulator.settings.lastMessageReceivedOnPrecision = undefined;
  await Promise.all(running.splice(0).map((h) => h.adapter.stop()));
});
afterAll(() => emulator.close());

async function adapter(store?: StateStore, options: Parameters<typeof startAdapter>[1] = {}) {
  const h = await startAdapter(emulator, { ...options, ...(store ? { store } : {}) });
  running.push(h);
  return h;
}

/** A whole second a little ahead of real time (tokens and x-ms-date stay well within their limits). */
const nextSecond = () => Math.ceil(Date.now() / 1000) * 1000 + 1000;

function threads(botId: string, n: number) {
  const user = emulator.admin.createUser('Ursula');
  const ids = Array.from({ length: n }, (_, i) => emulator.admin.createThread(user.id, { topic: `t${i}`, participants: [{ id: botId, displayName: 'Botty' }] }));
  return { user, ids };
}

/**
 * Second precision: a message at t0 + 2200 is read at t0 + 2300 (inside its second: the thread stays
 * open), a second one in the same second at t0 + 2400 is found only by reading again, the read at
 * `closesAt` finds nothing and closes the second, and the cycle after reads no thread at all.
 */
async function readUntilSecondCloses(h: Harness, at: (ms: number) => void, o: { t0: number; threadId: string; userId: string; closesAt: number }) {
  at(o.t0 + 2200);
  emulator.admin.sendMessage(o.threadId, o.userId, 'one');
  at(o.t0 + 2300);
  const read = await h.adapter.pollOnce();
  expect({ polled: read.threadsPolled, rechecked: read.threadsRechecked, events: read.events }).toEqual({ polled: 1, rechecked: undefined, events: 1 });
  at(o.t0 + 2400);
  emulator.admin.sendMessage(o.threadId, o.userId, 'two'); // same second: the listing does not move
  const recheck = await h.adapter.pollOnce();
  expect({ polled: recheck.threadsPolled, rechecked: recheck.threadsRechecked, events: recheck.events }).toEqual({ polled: 1, rechecked: 1, events: 1 });
  at(o.closesAt);
  const closing = await h.adapter.pollOnce();
  expect([closing.threadsRechecked, closing.events]).toEqual([1, 0]);
  emulator.resetCounters();
  const idle = await h.adapter.pollOnce();
  expect({ polled: idle.threadsPolled, events: idle.events }).toEqual({ polled: 0, events: 0 });
  expect(emulator.counters()).toEqual({ 'threads.list': 1 });
  expect(texts(h.events)).toEqual(['one', 'two']);
}

describe('ACS poller cost', () => {
  it('does not read again threads whose last message landed on a whole millisecond-second (.000) when the service shows milliseconds', async () => {
    emulator.settings.lastMessageReceivedOnPrecision = 'milliseconds';
    const h = await adapter();
    const t0 = nextSecond();
    pinned = t0 + 123; // the threads' creation: a listed time with a sub-second part
    const { user, ids } = threads(h.adapter.botUser.id, 6);
    await h.adapter.pollOnce(); // first start
    pinned = t0 + 1000; // a batch posted in the .000 millisecond, as the bench's batch sometimes is
    for (const id of ids.slice(0, 5)) emulator.admin.sendMessage(id, user.id, `at a whole second ${id.slice(3, 8)}`);
    const read = await h.adapter.pollOnce();
    expect([read.threadsPolled, read.events]).toEqual([5, 5]);

    pinned = t0 + 1400;
    emulator.resetCounters();
    const next = await h.adapter.pollOnce();
    // Was 5 threads polled (the whole-second recheck) for 0 events: 1 + 5 calls where the bound is 1.
    expect({ polled: next.threadsPolled, events: next.events }).toEqual({ polled: 0, events: 0 });
    expect(emulator.counters()).toEqual({ 'threads.list': 1 });

    emulator.admin.sendMessage(ids[0]!, user.id, 'later');
    await h.adapter.pollOnce();
    expect(texts(h.events).at(-1)).toBe('later');
    expect(texts(h.events)).toHaveLength(6);
  });

  it('still rechecks a whole-second thread when every listed time is whole seconds (second-precision service): a message sharing the second is not missed', async () => {
    const h = await adapter();
    const t0 = nextSecond();
    pinned = t0;
    const { user, ids } = threads(h.adapter.botUser.id, 1);
    await h.adapter.pollOnce(); // first start
    pinned = t0 + 1000;
    emulator.admin.sendMessage(ids[0]!, user.id, 'one');
    await h.adapter.pollOnce();
    // Same millisecond, after the read: lastMessageReceivedOn does not move; only the recheck finds it.
    emulator.admin.sendMessage(ids[0]!, user.id, 'two');
    const again = await h.adapter.pollOnce();
    expect(again.threadsPolled).toBe(1);
    expect(texts(h.events)).toEqual(['one', 'two']);
  });

  it('a message landing between the listing and the read is remembered to the millisecond: the next cycle does not read the thread again', async () => {
    emulator.settings.lastMessageReceivedOnPrecision = 'milliseconds';
    const base = createMemoryStore();
    let landOn: string | undefined;
    let userId = '';
    // The poller reads each listed thread's cursor just before reading the thread: post there.
    const store: StateStore = Object.assign(Object.create(base) as StateStore, {
      get: async <T>(key: string): Promise<T | undefined> => {
        if (landOn && key.endsWith(`:${landOn}`)) {
          pinned! += 200;
          emulator.admin.sendMessage(landOn, userId, 'landed mid-cycle');
          landOn = undefined;
        }
        return base.get<T>(key);
      },
    });
    const h = await adapter(store);
    const t0 = nextSecond();
    pinned = t0 + 100;
    const { user, ids } = threads(h.adapter.botUser.id, 3);
    userId = user.id;
    await h.adapter.pollOnce(); // first start

    pinned = t0 + 1100;
    emulator.admin.sendMessage(ids[1]!, user.id, 'listed');
    landOn = ids[1]!;
    const cycle = await h.adapter.pollOnce();
    expect(landOn).toBeUndefined();
    expect({ polled: cycle.threadsPolled, events: cycle.events }).toEqual({ polled: 1, events: 2 });

    pinned = t0 + 1700;
    emulator.resetCounters();
    const next = await h.adapter.pollOnce();
    // Was 1 thread polled for 0 events (the cursor kept createdOn's whole second, never the listed time).
    expect({ polled: next.threadsPolled, events: next.events }).toEqual({ polled: 0, events: 0 });
    expect(emulator.counters()).toEqual({ 'threads.list': 1 });

    pinned = t0 + 1900;
    emulator.admin.sendMessage(ids[1]!, user.id, 'after');
    await h.adapter.pollOnce();
    expect(texts(h.events)).toEqual(['listed', 'landed mid-cycle', 'after']);
  });

  it('second precision (the service): a thread is read again only until a read started after its listed second closed', async () => {
    // The adapter's clock is real time plus `ahead`, the emulator's is pinned: the test moves both.
    let ahead = 0;
    const at = (ms: number) => {
      pinned = ms;
      ahead = ms - Date.now();
    };
    const h = await adapter(undefined, { now: () => Date.now() + ahead, poll: { clockSkewMs: 500 } });
    const t0 = nextSecond();
    at(t0 + 100);
    const { user, ids } = threads(h.adapter.botUser.id, 2);
    ahead = t0 + 1600 - Date.now(); // the first start reads after the threads' second closed (+ the skew)
    await h.adapter.pollOnce();
    // A read now starts after t0 + 2000 + 1000 + 500: the second closes.
    await readUntilSecondCloses(h, at, { t0, threadId: ids[0]!, userId: user.id, closesAt: t0 + 3600 });
  });

  it("second precision, the service's clock from its Date headers: with our clock 5 s behind, a thread is read once more after its second closed at the service, then left alone", async () => {
    // Our clock runs 5 s behind the emulator's. Judged by our clock with a fixed margin (the fallback),
    // the thread would stay "open" for 5 s + the margin, read again every cycle. Both clocks stand still
    // between steps, so what the Date headers teach does not depend on how slow the machine is.
    const at = (ms: number) => {
      pinned = ms;
    };
    const h = await adapter(undefined, { now: () => (pinned ?? Date.now()) - 5000 });
    const t0 = nextSecond();
    at(t0 + 100);
    const { user, ids } = threads(h.adapter.botUser.id, 2);
    // The first start reads 5 ms into a second: its Date header tells the offset to within those 5 ms
    // (the clock's convergence over answers at other phases is service-clock.test.ts's).
    at(t0 + 1005);
    await h.adapter.pollOnce();
    at(t0 + 1600); // the threads' second (t0) closed 600 ms ago at the service: this read closes it
    expect((await h.adapter.pollOnce()).threadsRechecked).toBe(2);
    // The service's second ended 400 ms before this read (our clock says t0 - 1600): it closes.
    await readUntilSecondCloses(h, at, { t0, threadId: ids[0]!, userId: user.id, closesAt: t0 + 3400 });
  });

  it('a recheck due to close within the cycle waits for it: one read closes the second instead of two', async () => {
    // Both clocks run here (the deferral waits real time), ours 5 s behind the emulator's.
    const at = (ms: number) => {
      shift = ms - Date.now();
    };
    // A production cycle (1 s): a recheck waits only while the next cycle is not due.
    const h = await adapter(undefined, { now: () => Date.now() + shift - 5000, poll: { minIntervalMs: 1000 } });
    const t0 = nextSecond();
    at(t0 + 100);
    const { user, ids } = threads(h.adapter.botUser.id, 1);
    at(t0 + 1005); // the first start reads early in a second: its Date header tells the offset closely
    await h.adapter.pollOnce();
    at(t0 + 2050);
    emulator.admin.sendMessage(ids[0]!, user.id, 'one');
    expect((await h.adapter.pollOnce()).events).toBe(1); // read inside its second: open
    emulator.admin.sendMessage(ids[0]!, user.id, 'two'); // same second: the listing does not move
    // One second on, the second is closed at the service but not yet by the margin (SERVICE_CLOCK_MARGIN_MS):
    // read now, it would stay open and be read a third time next cycle; the poller waits for it instead.
    at(t0 + 3150);
    const started = Date.now();
    const recheck = await h.adapter.pollOnce();
    console.info(`[acs] deferred recheck cycle took ${Date.now() - started} ms`);
    expect({ rechecked: recheck.threadsRechecked, events: recheck.events }).toEqual({ rechecked: 1, events: 1 });
    emulator.resetCounters();
    const idle = await h.adapter.pollOnce();
    expect({ polled: idle.threadsPolled, events: idle.events }).toEqual({ polled: 0, events: 0 });
    expect(emulator.counters()).toEqual({ 'threads.list': 1 });
    expect(texts(h.events)).toEqual(['one', 'two']);
  });
});
