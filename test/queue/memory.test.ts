import { describe, expect, it } from 'vitest';
import { createMemoryQueue } from '../../src/queue/memory.ts';
import { makeEvent, runQueueContract } from './queue.contract.ts';
import { waitFor } from '../helpers/wait.ts';

runQueueContract('memory', async ({ maxAttempts, backoffMs, concurrency }) => ({
  queue: createMemoryQueue({ maxAttempts, concurrency, backoffMs: (attempt) => backoffMs * 2 ** (attempt - 1) }),
}));

describe('memory queue', () => {
  it('accepts duplicates (dedupe is the ingest job) and works each', async () => {
    const queue = createMemoryQueue();
    let n = 0;
    queue.start(async () => void n++);
    const e = makeEvent('dup');
    await queue.enqueue(e);
    await queue.enqueue(e);
    await waitFor(() => n === 2);
    await queue.stop();
  });

  it('never runs more than `concurrency` events at once', async () => {
    const queue = createMemoryQueue({ concurrency: 3 });
    let running = 0;
    let max = 0;
    let done = 0;
    queue.start(async () => {
      max = Math.max(max, ++running);
      await new Promise((r) => setTimeout(r, 2));
      running--;
      done++;
    });
    for (let i = 0; i < 30; i++) await queue.enqueue(makeEvent(`c${i}`));
    await waitFor(() => done === 30);
    expect(max).toBe(3);
    await queue.stop();
  });

  it('refuses events after stop, and stop returns after its timeout when a handler hangs', async () => {
    const queue = createMemoryQueue();
    let started = false;
    queue.start(() => {
      started = true;
      return new Promise(() => {});
    });
    await queue.enqueue(makeEvent('hang'));
    await waitFor(() => started);
    const t0 = Date.now();
    await queue.stop(50);
    expect(Date.now() - t0).toBeLessThan(1000);
    await expect(queue.enqueue(makeEvent('late'))).rejects.toMatchObject({ code: 'QUEUE_STOPPED' });
  });

  it('handles 100k events quickly (no per-event timers or scans)', async () => {
    const queue = createMemoryQueue();
    let done = 0;
    queue.start(async () => void done++);
    const events = Array.from({ length: 100_000 }, (_, i) => makeEvent(`c${i % 500}`, i, `e${i}`));
    const t0 = performance.now();
    for (const e of events) await queue.enqueue(e);
    await waitFor(() => done === events.length, { intervalMs: 1 });
    const perSec = Math.round(events.length / ((performance.now() - t0) / 1000));
    console.log(`memory queue: ${perSec} events/s enqueue+work (empty handler)`);
    expect(perSec).toBeGreaterThan(50_000);
    await queue.stop();
  });
});
