/**
 * The memory queue's `acceptOnce` (given the memory store's marks): what ingest's claim → enqueue → mark
 * does, in one synchronous step. The durable parts of the acceptOnce contract (accept.contract.ts) do not
 * apply to memory; the rest is checked here.
 */
import { describe, expect, it } from 'vitest';
import type { InboundEvent } from '../../src/adapters/adapter.ts';
import { createMemoryQueue } from '../../src/queue/memory.ts';
import { createMemoryStore, memoryMarksOf } from '../../src/state/memory.ts';
import { makeEvent } from './queue.contract.ts';

const keyOf = (event: InboundEvent) => `dedupe:${event.id}`;
const nOf = (event: InboundEvent) => (event.message!.data as { n: number }).n;

describe('memory queue acceptOnce', () => {
  it('accepts each of 300 events once while two deliveries race, marks them for the store, and works them in order', async () => {
    const store = createMemoryStore();
    const queue = createMemoryQueue({ store });
    const accept = (e: InboundEvent) => queue.acceptOnce!(e, { dedupeKey: keyOf(e), dedupeTtlMs: 60_000 });
    const events = Array.from({ length: 300 }, (_, i) => makeEvent(`acc-${i % 12}`, i));
    const outcomes = (await Promise.all(events.flatMap((e) => [accept(e), accept(e)])));
    expect(outcomes.filter((o) => o === 'accepted')).toHaveLength(300);
    expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(300);
    expect(await store.get(keyOf(events[0]!))).toBe('queued');
    expect(await store.setIfNotExists(keyOf(events[1]!), 'claimed')).toBe(false);

    const worked = new Map<string, number[]>();
    queue.start(async (e) => void worked.set(e.conversation.id, [...(worked.get(e.conversation.id) ?? []), nOf(e)]));
    await queue.idle!();
    for (let c = 0; c < 12; c++) expect(worked.get(`acc-${c}`)).toEqual(events.filter((e) => e.conversation.id === `acc-${c}`).map(nOf));
    await queue.stop();
  });

  it('the mark expires after dedupeTtlMs: the same event is accepted again', async () => {
    let now = 1_000_000;
    const store = createMemoryStore({ now: () => now });
    const queue = createMemoryQueue({ store });
    const e = makeEvent('ttl');
    expect(await queue.acceptOnce!(e, { dedupeKey: keyOf(e), dedupeTtlMs: 5_000 })).toBe('accepted');
    now += 4_999;
    expect(await queue.acceptOnce!(e, { dedupeKey: keyOf(e), dedupeTtlMs: 5_000 })).toBe('duplicate');
    now += 2;
    expect(await queue.acceptOnce!(e, { dedupeKey: keyOf(e), dedupeTtlMs: 5_000 })).toBe('accepted');
    expect(await queue.depth()).toBe(2);
  });

  it('a stopped queue rejects and leaves no mark behind', async () => {
    const store = createMemoryStore();
    const queue = createMemoryQueue({ store });
    let worked = 0;
    queue.start(async () => void worked++);
    await queue.stop();
    const e = makeEvent('stopped');
    await expect(queue.acceptOnce!(e, { dedupeKey: keyOf(e), dedupeTtlMs: 60_000 })).rejects.toMatchObject({ code: 'QUEUE_STOPPED' });
    expect(await store.get(keyOf(e))).toBeUndefined();
    expect(worked).toBe(0);
  });

  it('without the marks there is no acceptOnce (ingest claims, enqueues and marks itself)', () => {
    expect(createMemoryQueue().acceptOnce).toBeUndefined();
    expect(memoryMarksOf({} as never)).toBeUndefined();
  });
});
