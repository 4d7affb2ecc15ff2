/**
 * The Redis queue worker claiming again a conversation it still holds (src/queue/redis-held.ts): the
 * owner token is the same, so only the worker can keep the two holds from running the same head twice
 * at once, or the old hold from dropping the new one (whose lease then goes unrenewed).
 */
import { expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import type { InboundEvent } from '../../src/adapters/adapter.ts';
import { queueScripts } from '../../src/queue/redis-scripts.ts';
import { describeRedis } from '../helpers/redis.ts';
import { waitFor } from '../helpers/wait.ts';
import { makeEvent } from './queue.contract.ts';
import { redisQueues } from './redis-queues.ts';

/** A promise the test resolves when it chooses. */
const latch = () => {
  let open!: () => void;
  const shut = new Promise<void>((resolve) => (open = resolve));
  return { shut, open };
};

/** What a handler saw: starts and attempts per event id, and the most runs of one conversation at once. */
const recorder = () => {
  const starts = new Map<string, number>();
  const attempts = new Map<string, number[]>();
  const running = new Map<string, number>();
  let mostAtOnce = 0;
  return {
    starts,
    attempts,
    mostAtOnce: () => mostAtOnce,
    /** Wraps a handler body so every run is counted. */
    wrap: (body: (e: InboundEvent) => Promise<void>) => async (e: InboundEvent, meta?: { attempt: number }) => {
      const conv = e.conversation.id;
      starts.set(e.id, (starts.get(e.id) ?? 0) + 1);
      attempts.set(e.id, [...(attempts.get(e.id) ?? []), meta?.attempt ?? 0]);
      running.set(conv, (running.get(conv) ?? 0) + 1);
      mostAtOnce = Math.max(mostAtOnce, running.get(conv)!);
      try {
        await body(e);
      } finally {
        running.set(conv, running.get(conv)! - 1);
      }
    },
  };
};

/** Conversation c's key in the queue (platform:id). */
const C = 'local:c';

describeRedis('redis queue: a conversation claimed again by the instance that holds it', () => {
  const queues = redisQueues('reclaim');
  const { fresh, open } = queues;
  const admin = () => queues.admin();

  /** Nothing of the finished events is left: no data, no failed tries, no stalls, depth 0. */
  const expectNothingLeft = async (ns: string) => {
    expect(await Promise.all([admin().hlen(`${ns}:data`), admin().hlen(`${ns}:tries`), admin().hlen(`${ns}:stalls`), admin().get(`${ns}:depth`)])).toEqual([0, 0, 0, '0']);
  };

  it('an ack that releases a conversation, whose own script claims it back, leaves the new hold in place: renewed, its head run once', async () => {
    const name = fresh();
    const ns = `botyard:queue:${name}`;
    const producer = open(name);
    // A 3 s lease renewed every 1.5 s: a renewal can be late by more than a second on a loaded machine and c
    // still stays this instance's, so a second run of c2 could only be the fault under test.
    const worker = open(name, { concurrency: 2, lockDuration: 3000, stalledInterval: 200 });
    const [c1, d1, c2, d2, x1] = [makeEvent('c', 1), makeEvent('d', 2), makeEvent('c', 3), makeEvent('d', 4), makeEvent('x', 5)];
    const first = latch();
    const second = latch();
    const seen = recorder();
    worker.start(seen.wrap(async (e) => {
      if (e.id === c1.id || e.id === d1.id) await first.shut;
      if (e.id === c2.id) await second.shut;
    }));
    await producer.enqueue(c1);
    await producer.enqueue(d1);
    await waitFor(() => seen.starts.has(c1.id) && seen.starts.has(d1.id), { what: 'c1 and d1 running: both slots held' });
    // Behind them: c2 and d2 wait in their conversations; x is readied (no slot is free to claim it).
    for (const e of [c2, d2, x1]) await producer.enqueue(e);
    expect(await admin().lrange(`${ns}:ready`, 0, -1)).toEqual(['local:x']);
    // Both finish at once, so one ack script carries both: it releases c and d (others wait in ready),
    // and with the two slots that frees takes x and then c again, for this same instance.
    first.open();
    await waitFor(() => seen.starts.has(c2.id), { what: 'c2 running' });
    const owner = await admin().hget(`${ns}:owner`, C);
    const lease = Number(await admin().zscore(`${ns}:claims`, C));
    // c2 blocks past its lease: only renewals keep c this instance's. Unrenewed, the reaper readies it and
    // c2 runs a second time (here, as the worker has slots again, or on another instance).
    await waitFor(async () => seen.starts.get(c2.id)! > 1 || Number(await admin().zscore(`${ns}:claims`, C)) >= lease + 1500, {
      what: 'c renewed well past its first lease, or c2 run again',
    });
    expect(seen.starts.get(c2.id)).toBe(1);
    expect(await admin().hget(`${ns}:owner`, C)).toBe(owner);
    second.open();
    await waitFor(async () => seen.starts.size === 5 && (await worker.depth()) === 0, { what: 'all five events done' });
    expect([...seen.starts.values()]).toEqual([1, 1, 1, 1, 1]);
    expect([...seen.attempts.values()].flat()).toEqual([1, 1, 1, 1, 1]);
    expect(seen.mostAtOnce()).toBe(1);
    await expectNothingLeft(ns);
  });

  it('a lease that lapsed while its head ran, claimed back by the same instance, never starts that head a second time', async () => {
    const name = fresh();
    const ns = `botyard:queue:${name}`;
    // The worker's own reaper is kept out of the way: the test reaps, at a moment it chooses.
    const worker = open(name, { concurrency: 2, lockDuration: 1000, stalledInterval: 60_000 });
    const [c1, c2, c3] = [makeEvent('c', 1), makeEvent('c', 2), makeEvent('c', 3)];
    const gate = latch();
    const seen = recorder();
    worker.start(seen.wrap(async (e) => {
      if (e.id === c1.id) await gate.shut;
    }));
    await worker.enqueue(c1);
    await worker.enqueue(c2);
    await waitFor(() => seen.starts.has(c1.id), { what: 'c1 running' });
    const owner = await admin().hget(`${ns}:owner`, C);
    expect(owner).toBeTruthy();
    // The lease lapses (as when a slow handler blocks the event loop past it) and a reaper takes c back:
    // in one MULTI, so no renewal slips in between. c is ready again, a stall counted against c1.
    queueScripts(admin()); // defines the queue's scripts on admin, its MULTIs included
    const multi = admin().multi() as ReturnType<Redis['multi']> & { botyardQReap(ns: string, limit: number): unknown };
    multi.zadd(`${ns}:claims`, 'XX', 0, C);
    multi.botyardQReap(ns, 100);
    await multi.exec();
    // Counted against c1's entry (its id and a tag of its acceptance), the head of c's list.
    const head = await admin().lindex(`${ns}:c:${C}`, 0);
    expect(head?.startsWith(`${c1.id}~`)).toBe(true);
    expect(await admin().hget(`${ns}:stalls`, head!)).toBe('1');
    // The worker's free slot claims c again, with the same owner token, while c1 still runs.
    await waitFor(async () => (await admin().hget(`${ns}:owner`, C)) === owner, { what: 'c claimed back by the same instance' });
    const lease = Number(await admin().zscore(`${ns}:claims`, C));
    await waitFor(async () => seen.starts.get(c1.id)! > 1 || Number(await admin().zscore(`${ns}:claims`, C)) > lease, {
      what: 'the lease of the claim renewed, or c1 started again',
    });
    expect(seen.starts.get(c1.id)).toBe(1);
    await worker.enqueue(c3);
    gate.open();
    await waitFor(async () => seen.starts.size === 3 && (await worker.depth()) === 0, { what: 'all three events done' });
    expect(seen.starts.get(c1.id)).toBe(1);
    expect([...seen.attempts.values()].flat()).toEqual([1, 1, 1]);
    expect(seen.mostAtOnce()).toBe(1);
    // c1's stall (counted by the reap) went with it, though c1's own copy said it had none.
    await expectNothingLeft(ns);
  });
});
