/**
 * The EventQueue contract, run against every implementation (memory, SQLite, Redis). What all promise:
 * every event worked exactly once, per-conversation order, retry then dead letter, replay, a graceful
 * stop. Duplicate enqueues are not here: the memory and SQLite queues leave dedupe to the ingest (or to
 * acceptOnce, tested per implementation), the Redis queue dedupes by job id (tested in redis.test.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { InboundEvent } from '../../src/adapters/adapter.ts';
import type { EventQueue } from '../../src/queue/queue.ts';
import type { Logger } from 'pino';
import { logLines } from '../helpers/log-lines.ts';
import { waitFor } from '../helpers/wait.ts';

export interface QueueHarnessOptions {
  maxAttempts: number;
  /** First retry delay; implementations may grow it per attempt. */
  backoffMs: number;
  concurrency?: number;
  /** Where the queue logs (its retries and dead letters). */
  log?: Logger;
}

export interface QueueHarness {
  queue: EventQueue;
  /** Removes what the queue left behind (keys); called after the queue is stopped. */
  cleanup?: () => Promise<void>;
}

let seq = 0;
export function makeEvent(conversation: string, n = seq++, id = `evt-${process.pid}-${n}-${Math.random().toString(36).slice(2, 8)}`): InboundEvent {
  return {
    id,
    type: 'message.new',
    platform: 'local',
    conversation: { platform: 'local', id: conversation },
    sender: { id: 'u1' },
    message: { id: `m-${n}`, text: `#${n}`, user: { id: 'u1' }, attachments: [], mentions: [], data: { n } },
    occurredAt: new Date().toISOString(),
    raw: { n },
  };
}

const nOf = (event: InboundEvent) => (event.message!.data as { n: number }).n;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function runQueueContract(name: string, make: (options: QueueHarnessOptions) => Promise<QueueHarness>) {
  describe(`EventQueue contract: ${name}`, () => {
    const harnesses: QueueHarness[] = [];
    const open = async (options: Partial<QueueHarnessOptions> = {}) => {
      const h = await make({ maxAttempts: 3, backoffMs: 10, ...options });
      harnesses.push(h);
      return h.queue;
    };
    afterEach(async () => {
      for (const h of harnesses.splice(0)) {
        await h.queue.stop(2000);
        await h.cleanup?.();
      }
    });

    it('works every event exactly once, including events enqueued before start', async () => {
      const queue = await open();
      const seen = new Map<string, number>();
      const events = Array.from({ length: 100 }, (_, i) => makeEvent(`c${i % 7}`));
      await Promise.all(events.slice(0, 50).map((e) => queue.enqueue(e)));
      queue.start(async (e) => void seen.set(e.id, (seen.get(e.id) ?? 0) + 1));
      await Promise.all(events.slice(50).map((e) => queue.enqueue(e)));
      await waitFor(() => seen.size === 100, { what: '100 events worked' });
      await waitFor(async () => (await queue.depth()) === 0, { what: 'depth 0' });
      expect([...seen.values()].every((count) => count === 1)).toBe(true);
      expect(await queue.deadLetters()).toEqual([]);
    });

    it('keeps per-conversation order under load, one event per conversation at a time, conversations in parallel', async () => {
      const queue = await open({ concurrency: 16 });
      const order = new Map<string, number[]>();
      const running = new Set<string>();
      let overlapInConversation = false;
      let maxParallel = 0;
      let worked = 0;
      queue.start(async (e) => {
        const conv = e.conversation.id;
        if (running.has(conv)) overlapInConversation = true;
        running.add(conv);
        maxParallel = Math.max(maxParallel, running.size);
        await pause(Math.random() * 4);
        order.set(conv, [...(order.get(conv) ?? []), nOf(e)]);
        running.delete(conv);
        worked++;
      });
      const events = Array.from({ length: 200 }, (_, i) => makeEvent(`conv-${i % 10}`, i));
      for (const e of events) await queue.enqueue(e);
      await waitFor(() => worked === 200, { timeoutMs: 20_000, what: '200 events worked' });
      expect(overlapInConversation).toBe(false);
      expect(maxParallel).toBeGreaterThan(1);
      for (let c = 0; c < 10; c++) {
        const expected = events.filter((e) => e.conversation.id === `conv-${c}`).map(nOf);
        expect(order.get(`conv-${c}`)).toEqual(expected);
      }
    });

    it('retries a throwing worker with backoff until it succeeds, holding back the conversation meanwhile', async () => {
      const queue = await open({ maxAttempts: 3 });
      const tries: number[] = [];
      const done: number[] = [];
      const first = makeEvent('retry', 1);
      const second = makeEvent('retry', 2);
      queue.start(async (e) => {
        if (e.id === first.id) {
          tries.push(Date.now());
          if (tries.length < 3) throw new Error(`flaky ${tries.length}`);
        }
        done.push(nOf(e));
      });
      await queue.enqueue(first);
      await queue.enqueue(second);
      await waitFor(() => done.length === 2, { what: 'both events done' });
      expect(tries).toHaveLength(3);
      expect(done).toEqual([1, 2]);
      expect(tries[1]! - tries[0]!).toBeGreaterThanOrEqual(9);
      expect(await queue.deadLetters()).toEqual([]);
    });

    it('dead-letters an always-failing event after maxAttempts, moves on, and replays it on demand', async () => {
      const queue = await open({ maxAttempts: 2 });
      let failing = true;
      const attempts = new Map<string, number>();
      const done: string[] = [];
      const bad = makeEvent('dl', 1);
      const after = makeEvent('dl', 2);
      queue.start(async (e) => {
        attempts.set(e.id, (attempts.get(e.id) ?? 0) + 1);
        if (e.id === bad.id && failing) throw new Error('handler broke');
        done.push(e.id);
      });
      await queue.enqueue(bad);
      await queue.enqueue(after);
      await waitFor(() => done.includes(after.id), { what: 'the next event of the conversation' });
      const letters = await waitFor(async () => {
        const all = await queue.deadLetters();
        return all.length === 1 ? all : undefined;
      }, { what: 'one dead letter' });
      expect(attempts.get(bad.id)).toBe(2);
      expect(letters[0]).toMatchObject({ event: { id: bad.id }, attempts: 2 });
      expect(letters[0]!.error).toContain('handler broke');
      expect(Number.isNaN(Date.parse(letters[0]!.failedAt))).toBe(false);

      expect(await queue.replay('no-such-event')).toBe(false);
      failing = false;
      expect(await queue.replay(bad.id)).toBe(true);
      await waitFor(() => done.includes(bad.id), { what: 'the replayed event' });
      expect(attempts.get(bad.id)).toBe(3);
      expect(await queue.deadLetters()).toEqual([]);
      expect(await queue.replay(bad.id)).toBe(false);
      await waitFor(async () => (await queue.depth()) === 0, { what: 'depth 0' });
    });

    it('a dead letter, and the lines logged about the tries, carry the trace id of a recorded trace (none for one sampled out)', async () => {
      const { log, lines } = logLines();
      const queue = await open({ maxAttempts: 2, log });
      const traceId = 'ab'.repeat(16);
      const traced = { ...makeEvent('trace', 1), trace: { traceparent: `00-${traceId}-${'cd'.repeat(8)}-01`, acceptedAt: Date.now() } };
      const sampledOut = { ...makeEvent('trace', 2), trace: { traceparent: `00-${'ef'.repeat(16)}-${'cd'.repeat(8)}-00`, acceptedAt: Date.now() } };
      queue.start(async () => {
        throw new Error('handler broke');
      });
      await queue.enqueue(traced);
      await queue.enqueue(sampledOut);
      const letters = await waitFor(async () => {
        const all = await queue.deadLetters();
        return all.length === 2 ? all : undefined;
      }, { what: 'two dead letters' });
      expect(letters.find((l) => l.event.id === traced.id)?.traceId).toBe(traceId);
      expect(letters.find((l) => l.event.id === sampledOut.id)).not.toHaveProperty('traceId');
      const about = (id: string, msg: string) => lines.filter((l) => l.eventId === id && l.msg === msg);
      await waitFor(() => about(sampledOut.id, 'event dead-lettered').length === 1, { what: 'the dead-letter lines' });
      expect(about(traced.id, 'event failed; retrying')).toEqual([expect.objectContaining({ trace_id: traceId })]);
      expect(about(traced.id, 'event dead-lettered')).toEqual([expect.objectContaining({ trace_id: traceId, attempts: 2 })]);
      for (const line of [...about(sampledOut.id, 'event failed; retrying'), ...about(sampledOut.id, 'event dead-lettered')]) expect(line).not.toHaveProperty('trace_id');
      expect(about(sampledOut.id, 'event dead-lettered')).toHaveLength(1);
    });

    it('stop waits for in-flight events to finish', async () => {
      const queue = await open();
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let started = false;
      let finished = false;
      queue.start(async () => {
        started = true;
        await gate;
        finished = true;
      });
      await queue.enqueue(makeEvent('stop'));
      await waitFor(() => started, { what: 'the event to start' });
      let stopped = false;
      const stopping = queue.stop(5000).then(() => (stopped = true));
      await pause(30);
      expect(stopped).toBe(false);
      release();
      await stopping;
      expect(finished).toBe(true);
    });

    it('depth counts accepted events until they finish', async () => {
      const queue = await open();
      await queue.enqueue(makeEvent('d1'));
      await queue.enqueue(makeEvent('d2'));
      expect(await queue.depth()).toBe(2);
      let n = 0;
      queue.start(async () => void n++);
      await waitFor(async () => n === 2 && (await queue.depth()) === 0, { what: 'depth 0' });
    });
  });
}
