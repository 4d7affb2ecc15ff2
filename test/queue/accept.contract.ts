/**
 * The `EventQueue.acceptOnce` contract (ingest's one-step dedupe + enqueue), for every queue that has
 * it: each event accepted once however many deliveries race for it, the dedupe mark visible to the state
 * store under the key ingest names, nothing lost once 'accepted' was answered (a second queue on the
 * same backend works it), and per-conversation order kept.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { InboundEvent } from '../../src/adapters/adapter.ts';
import type { EventQueue } from '../../src/queue/queue.ts';
import type { StateStore } from '../../src/state/store.ts';
import { waitFor } from '../helpers/wait.ts';
import { makeEvent } from './queue.contract.ts';

export interface AcceptHarness {
  queue: EventQueue;
  /** The state store the queue's dedupe marks belong to. */
  store: StateStore;
  /** Another queue on the same backend (another instance, or the same process after a restart). */
  reopen(): Promise<EventQueue>;
  cleanup?: () => Promise<void>;
}

const TTL = 60_000;
const keyOf = (event: InboundEvent) => `dedupe:${event.id}`;
const nOf = (event: InboundEvent) => (event.message!.data as { n: number }).n;

export function runAcceptContract(name: string, make: () => Promise<AcceptHarness>) {
  describe(`EventQueue.acceptOnce contract: ${name}`, () => {
    const open: AcceptHarness[] = [];
    const extra: EventQueue[] = [];
    const harness = async () => {
      const h = await make();
      open.push(h);
      return h;
    };
    afterEach(async () => {
      for (const q of extra.splice(0)) await q.stop(2000);
      for (const h of open.splice(0)) {
        await h.queue.stop(2000);
        await h.cleanup?.();
      }
    });

    it('accepts each of 300 events once while two deliveries of each race, marks them for the store, and works them in order', async () => {
      const { queue, store } = await harness();
      const accept = (e: InboundEvent) => queue.acceptOnce!(e, { dedupeKey: keyOf(e), dedupeTtlMs: TTL });
      const events = Array.from({ length: 300 }, (_, i) => makeEvent(`acc-${i % 12}`, i));
      const byConversation = new Map<string, InboundEvent[]>();
      for (const e of events) byConversation.set(e.conversation.id, [...(byConversation.get(e.conversation.id) ?? []), e]);
      const outcomes: string[] = [];
      // Conversations in parallel; within one, one event after the other, its two deliveries at once.
      await Promise.all([...byConversation.values()].map(async (list) => {
        for (const e of list) outcomes.push(...(await Promise.all([accept(e), accept(e)])));
      }));
      expect(outcomes.filter((o) => o === 'accepted')).toHaveLength(300);
      expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(300);
      expect(await store.get(keyOf(events[0]!))).toBe('queued');
      expect(await store.setIfNotExists(keyOf(events[1]!), 'claimed')).toBe(false);
      expect(await accept(events[2]!)).toBe('duplicate');

      const worked = new Map<string, number[]>();
      let count = 0;
      queue.start(async (e) => {
        worked.set(e.conversation.id, [...(worked.get(e.conversation.id) ?? []), nOf(e)]);
        count++;
      });
      await waitFor(() => count >= 300, { timeoutMs: 30_000, what: '300 events worked' });
      await waitFor(async () => (await queue.depth()) === 0, { what: 'depth 0' });
      expect(count).toBe(300);
      for (const [conversation, list] of byConversation) expect(worked.get(conversation), conversation).toEqual(list.map(nOf));
    });

    it('an accepted event survives the queue that took it: another queue on the same backend works it', async () => {
      const h = await harness();
      const event = makeEvent('survive', 1);
      expect(await h.queue.acceptOnce!(event, { dedupeKey: keyOf(event), dedupeTtlMs: TTL })).toBe('accepted');
      await h.queue.stop(2000);
      const other = await h.reopen();
      extra.push(other);
      expect(await other.acceptOnce!(event, { dedupeKey: keyOf(event), dedupeTtlMs: TTL })).toBe('duplicate');
      const worked: string[] = [];
      other.start(async (e) => void worked.push(e.id));
      await waitFor(() => worked.length === 1, { timeoutMs: 15_000, what: 'the accepted event worked by the other queue' });
      expect(worked).toEqual([event.id]);
    });

    it('the mark lives as long as asked: an event is accepted again once its mark has expired', async () => {
      const { queue, store } = await harness();
      const event = makeEvent('ttl', 1);
      expect(await queue.acceptOnce!(event, { dedupeKey: keyOf(event), dedupeTtlMs: 150 })).toBe('accepted');
      await waitFor(async () => (await store.get(keyOf(event))) === undefined, { timeoutMs: 5000, what: 'the mark to expire' });
      expect(await queue.acceptOnce!(event, { dedupeKey: keyOf(event), dedupeTtlMs: TTL })).toBe('accepted');
    });
  });
}
