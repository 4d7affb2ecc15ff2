import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import type { InboundEvent } from '../../src/adapters/adapter.ts';
import { createRedisQueue } from '../../src/queue/redis.ts';
import { describeRedis, redisUrl, uniqueName } from '../helpers/redis.ts';
import { waitFor } from '../helpers/wait.ts';
import { makeEvent, runQueueContract } from './queue.contract.ts';
import { cleanupQueue, redisQueues } from './redis-queues.ts';

describeRedis('redis queue', () => {
  const queues = redisQueues('q');
  const { fresh, open } = queues;
  const admin = () => queues.admin();

  runQueueContract('redis', async ({ maxAttempts, backoffMs, concurrency, log }) => {
    const name = uniqueName('q');
    return {
      queue: createRedisQueue({ url: redisUrl, name, maxAttempts, backoffMs, concurrency, ...(log ? { log } : {}) }),
      cleanup: () => cleanupQueue(admin(), name),
    };
  });

  it('dedupes by event id, ids with ":" or only digits included, while pending and after completion', async () => {
    const queue = open(fresh());
    const counts = new Map<string, number>();
    const events = [makeEvent('x', 1, 'stream:webhook:abc'), makeEvent('x', 2, '12345'), makeEvent('y', 3)];
    for (const e of events) await Promise.all([queue.enqueue(e), queue.enqueue(e)]);
    queue.start(async (e) => void counts.set(e.id, (counts.get(e.id) ?? 0) + 1));
    await waitFor(async () => counts.size === 3 && (await queue.depth()) === 0, { what: '3 events worked' });
    for (const e of events) await queue.enqueue(e);
    // Redelivered after completion: give a wrongly accepted duplicate the chance to run before checking.
    const marker = makeEvent('y', 4);
    await queue.enqueue(marker);
    // The marker's job completes just after its handler returns: wait for the queue to be empty, not for the handler.
    await waitFor(async () => counts.has(marker.id) && (await queue.depth()) === 0, { what: 'a later event of the same conversation, done' });
    expect(events.map((e) => counts.get(e.id))).toEqual([1, 1, 1]);
  });

  it('two instances on one queue share 500 events: each worked exactly once, conversation order kept', async () => {
    const name = fresh();
    const a = open(name, { concurrency: 16 });
    const b = open(name, { concurrency: 16 });
    const counts = new Map<string, number>();
    const order = new Map<string, number[]>();
    const by = { a: 0, b: 0 };
    const handler = (who: 'a' | 'b') => async (e: InboundEvent) => {
      by[who]++;
      await new Promise((r) => setTimeout(r, Math.random() * 3));
      counts.set(e.id, (counts.get(e.id) ?? 0) + 1);
      order.set(e.conversation.id, [...(order.get(e.conversation.id) ?? []), (e.message!.data as { n: number }).n]);
    };
    a.start(handler('a'));
    b.start(handler('b'));
    const events = Array.from({ length: 500 }, (_, i) => makeEvent(`conv-${i % 20}`, i));
    for (let i = 0; i < events.length; i += 50) {
      await Promise.all(events.slice(i, i + 50).map((e, j) => ((i + j) % 2 ? a : b).enqueue(e)));
    }
    await waitFor(() => counts.size === 500, { timeoutMs: 30_000, what: '500 events worked' });
    await waitFor(async () => (await a.depth()) === 0, { what: 'depth 0' });
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect(by.a).toBeGreaterThan(0);
    expect(by.b).toBeGreaterThan(0);
    for (let c = 0; c < 20; c++) {
      const list = order.get(`conv-${c}`)!;
      expect(list).toEqual([...list].sort((x, y) => x - y));
    }
  });

  /** Runs the crash-worker fixture on queue `name` until it SIGKILLs itself; what it printed. */
  const crashWorker = async (name: string) => {
    const script = fileURLToPath(new URL('./fixtures/crash-worker.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      env: { ...process.env, REDIS_URL: redisUrl, QUEUE_NAME: name, LOCK_MS: '1000' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, sig) => resolve(sig)));
    expect(signal).toBe('SIGKILL');
    return out;
  };

  it('recovers the job of a worker process killed mid-handler (SIGKILL), keeping its conversation in order', async () => {
    const name = fresh();
    const producer = open(name);
    const first = makeEvent('crash', 1);
    const second = makeEvent('crash', 2);
    await producer.enqueue(first);
    await producer.enqueue(second);
    expect(await crashWorker(name)).toContain(`took ${first.id}`);

    const worked: string[] = [];
    const rescuer = open(name, { stalledInterval: 300 });
    rescuer.start(async (e) => void worked.push(e.id));
    await waitFor(() => worked.length === 2, { timeoutMs: 15_000, what: 'both events after the crash' });
    expect(worked).toEqual([first.id, second.id]);
    expect(await rescuer.deadLetters()).toEqual([]);
  });

  it('dead-letters an event that crashed its worker more than maxStalledCount times, and moves on', async () => {
    const name = fresh();
    const producer = open(name);
    const poison = makeEvent('poison', 1);
    const next = makeEvent('poison', 2);
    await producer.enqueue(poison);
    await producer.enqueue(next);
    expect(await crashWorker(name)).toContain(`took ${poison.id}`);

    const worked: string[] = [];
    const rescuer = open(name, { stalledInterval: 300, maxStalledCount: 0 });
    rescuer.start(async (e) => void worked.push(e.id));
    await waitFor(() => worked.length === 1, { timeoutMs: 15_000, what: 'the event behind the poison one' });
    expect(worked).toEqual([next.id]);
    const letters = await waitFor(async () => (await rescuer.deadLetters()).filter((l) => l.event.id === poison.id)[0]);
    expect(letters.error).toContain('stalled');
  });

  it('leaves no data, tries or stalls behind: of an event that failed then succeeded, one recovered after a crash, and clean ones', async () => {
    const name = fresh();
    const ns = `botyard:queue:${name}`;
    const producer = open(name);
    const crashed = makeEvent('left', 1);
    await producer.enqueue(crashed);
    expect(await crashWorker(name)).toContain(`took ${crashed.id}`);
    const flaky = makeEvent('left', 2);
    const clean = makeEvent('other', 3);
    await producer.enqueue(flaky);
    await producer.enqueue(clean);
    const tried = new Map<string, number>();
    const rescuer = open(name, { stalledInterval: 300, backoffMs: 10 });
    rescuer.start(async (e) => {
      tried.set(e.id, (tried.get(e.id) ?? 0) + 1);
      if (e.id === flaky.id && tried.get(e.id) === 1) throw new Error('once');
    });
    await waitFor(async () => tried.get(flaky.id) === 2 && tried.has(clean.id) && (await rescuer.depth()) === 0, { timeoutMs: 15_000, what: 'all three done' });
    expect(await Promise.all([admin().hlen(`${ns}:data`), admin().hlen(`${ns}:tries`), admin().hlen(`${ns}:stalls`)])).toEqual([0, 0, 0]);
  });

  it('gives its conversations back at stop, so another instance goes on at once rather than after a lease', async () => {
    const name = fresh();
    const first = open(name, { lockDuration: 60_000, stalledInterval: 60_000 });
    const events = Array.from({ length: 6 }, (_, i) => makeEvent('handover', i));
    for (const e of events) await first.enqueue(e);
    const worked: number[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    first.start(async (e) => {
      worked.push((e.message!.data as { n: number }).n);
      if (worked.length === 2) await gate;
    });
    await waitFor(() => worked.length === 2, { what: 'two events on the first instance' });
    const stopping = first.stop(5000);
    release();
    await stopping;
    const second = open(name, { lockDuration: 60_000, stalledInterval: 60_000 });
    second.start(async (e) => void worked.push((e.message!.data as { n: number }).n));
    await waitFor(() => worked.length === 6, { timeoutMs: 5000, what: 'the rest on the second instance, well before a lease could lapse' });
    expect(worked).toEqual([0, 1, 2, 3, 4, 5]);
    expect(await second.depth()).toBe(0);
  });

  it('stop() closes the connection it created', async () => {
    const queue = createRedisQueue({ url: redisUrl, name: fresh() });
    await queue.enqueue(makeEvent('s'));
    expect(await queue.depth()).toBe(1);
    await queue.stop();
    await expect(queue.depth()).rejects.toThrow();
  });
});
