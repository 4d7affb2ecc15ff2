/**
 * What one event costs on the Redis tier with no HTTP in front: Node CPU (this process) and Redis CPU
 * per event, for
 *   floor   one pipelined SET NX EX per event (the dedupe (a-redis) does);
 *   bullmq  BullMQ alone: queue.add per event, a Worker with an empty processor, removeOnComplete (the
 *           reference the Redis queue used to be built on: its per-job cost is why it no longer is);
 *   botyard the Redis EventQueue: acceptOnce (dedupe + durable enqueue) and its worker, empty handler;
 *   accept  acceptOnce alone, no worker (the events stay queued: an ingest-only instance's share).
 * Figures (2026-11-30, loaded 2-core machine, µs per event node + redis): BullMQ-based botyard queue
 * 290-300 + 175-185; batch scripts 77-103 + 43; + events from memory and JSON as bytes 47-71 + 30
 * (accept alone 70 -> 28); floor 12-35 + 3-8. Round 2 (events kept in memory, the queue's own encoder, fewer
 * Redis calls; alternated with the build before): 48-63 + 23-28 -> 39-50 + 18-28 (accept alone 22-33 -> 16-19).
 * Round 3 (2026-12-02, Intel Xeon host, Node 24, alternated with the build before, 3 x 2 rounds): the events'
 * JSON written by an HSET in the accept's MULTI instead of passed to the script, whose Lua hashed every byte of
 * it: accept alone 9-11 + 10-11 -> 10-11 + 7-8 (52-56k -> 64-67k events/s), botyard 23-25 + 15-18 -> 23-25 + 12-14.
 * Events are normalized Stream message.new bodies (~1.5 KB) over 100 conversations, offered 64 at a
 * time as the ingest bench does. Not part of `npm run bench`; it separates the queue's cost from the
 * HTTP server's when working on either.
 *
 *   npx tsx bench/ingest/queue-cost.ts [events=4000] [rounds=3] [floor bullmq botyard accept 'botyard@{"concurrency":64}']
 */
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { rememberRawJson } from '../../src/adapters/raw-json.ts';
import { normalize } from '../../src/adapters/stream/normalize.ts';
import type { InboundEvent } from '../../src/adapters/adapter.ts';
import { createRedisQueue, type RedisQueueOptions } from '../../src/queue/redis.ts';
import { redisPid } from '../lib/disturbance.ts';
import { messageNewBody } from '../lib/payload.ts';
import { cpuMsOf } from './bench.ts';

const URL = process.env.QUEUE_COST_REDIS_URL ?? 'redis://127.0.0.1:6379/6';
const [eventsArg, roundsArg, ...names] = process.argv.slice(2);
const N = Number(eventsArg ?? 4000);
const rounds = Number(roundsArg ?? 3);
const wanted = names.length ? names : ['floor', 'bullmq', 'botyard'];
const IN_FLIGHT = 64;
/** Conversations the events are spread over (QUEUE_COST_CONVERSATIONS; the ingest bench uses 100). */
const CONVERSATIONS = Number(process.env.QUEUE_COST_CONVERSATIONS ?? 100);
let serial = 0;

function events(): InboundEvent[] {
  const run = serial++;
  return Array.from({ length: N }, (_, i) => {
    const body = messageNewBody({ id: `r${run}-${i}`, channel: `bench-${i % CONVERSATIONS}` });
    // As the Stream adapter does: the queue writes `raw` from the bytes it was parsed from.
    const payload = JSON.parse(body);
    rememberRawJson(payload, Buffer.from(body));
    return normalize(payload, { botId: 'botyard', webhookId: `wh-r${run}-${i}`, body: Buffer.from(body) });
  });
}

/** Offers `list` to `accept` with at most IN_FLIGHT outstanding, as 64 connections would. */
async function offer(list: InboundEvent[], accept: (e: InboundEvent) => Promise<unknown>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < list.length) await accept(list[next++]!);
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
}

type Setup = { start(): Promise<void>; run(list: InboundEvent[]): Promise<void>; stop(): Promise<void> };

let variant = 0;
const setups: Record<string, (options?: Partial<RedisQueueOptions>) => Setup> = {
  floor() {
    const redis = new Redis(URL, { enableAutoPipelining: true });
    return {
      start: async () => void (await redis.ping()),
      run: (list) => offer(list, (e) => redis.set(`floor:dedupe:${e.id}`, '1', 'EX', 86_400, 'NX')),
      stop: async () => void redis.disconnect(),
    };
  },
  bullmq() {
    const connection = new Redis(URL, { maxRetriesPerRequest: null });
    const queue = new Queue('cost', { connection, prefix: 'cost' });
    let done = 0;
    let target = 0;
    let wake = () => {};
    let worker: Worker | undefined;
    return {
      start: async () => {
        worker = new Worker('cost', async () => {
          if (++done >= target) wake();
        }, { connection, prefix: 'cost', concurrency: 32 });
        await worker.waitUntilReady();
      },
      run: async (list) => {
        target = done + list.length;
        const finished = new Promise<void>((resolve) => (wake = resolve));
        await offer(list, (e) => queue.add('event', { event: e }, { jobId: `ev-${encodeURIComponent(e.id)}`, removeOnComplete: true }));
        await finished;
      },
      stop: async () => {
        await worker?.close();
        await queue.close();
        connection.disconnect();
      },
    };
  },
  /** The accept path alone (dedupe + durable enqueue, no worker): what an ingest-only instance would pay. */
  accept() {
    const queue = createRedisQueue({ url: URL, prefix: `cost${variant++}` });
    return {
      start: async () => {},
      run: (list) => offer(list, (e) => queue.acceptOnce!(e, { dedupeKey: `dedupe:${e.id}`, dedupeTtlMs: 86_400_000 })),
      stop: () => queue.stop(),
    };
  },
  botyard(options: Partial<RedisQueueOptions> = {}) {
    const queue = createRedisQueue({ url: URL, prefix: `cost${variant++}`, ...options });
    let done = 0;
    let target = 0;
    let wake = () => {};
    return {
      start: async () => {
        queue.start(async () => {
          if (++done >= target) wake();
        });
      },
      run: async (list) => {
        target = done + list.length;
        const finished = new Promise<void>((resolve) => (wake = resolve));
        await offer(list, (e) => queue.acceptOnce!(e, { dedupeKey: `dedupe:${e.id}`, dedupeTtlMs: 86_400_000 }));
        await finished;
      },
      stop: () => queue.stop(),
    };
  },
};

const flush = async () => {
  const redis = new Redis(URL);
  await redis.flushdb();
  redis.disconnect();
};
const redis = redisPid();
const nodeCpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
await flush();
const results = new Map<string, string[]>();
try {
  const live = new Map<string, Setup>();
  for (const name of wanted) {
    // `botyard@{"concurrency":64}`: the Redis queue with those options, beside the others.
    const [base, json] = name.split('@');
    const s = setups[base!]!(json ? JSON.parse(json) : undefined);
    await s.start();
    await s.run(events()); // warm-up: JIT, script loading
    live.set(name, s);
  }
  for (let r = 0; r < rounds; r++) {
    for (const [name, s] of live) {
      const list = events();
      const node0 = nodeCpuMs();
      const redis0 = cpuMsOf(redis);
      const t0 = performance.now();
      await s.run(list);
      const ms = performance.now() - t0;
      const line = `${Math.round(((nodeCpuMs() - node0) * 1000) / N)} µs node + ${Math.round(((cpuMsOf(redis) - redis0) * 1000) / N)} µs redis per event, ${Math.round((N * 1000) / ms)} events/s`;
      (results.get(name) ?? results.set(name, []).get(name)!).push(line);
      console.log(`${name.padEnd(8)} round ${r + 1}: ${line}`);
    }
  }
  for (const s of live.values()) await s.stop();
} finally {
  await flush();
}
for (const [name, lines] of results) console.log(`${name.padEnd(8)} ${lines.join(' | ')}`);
