/**
 * The durable event queue on Redis (BullMQ), used when REDIS_URL is set. Every instance enqueues to
 * and works from one BullMQ queue, so an acked event survives the crash of the instance that took it
 * and any instance can work it.
 *
 * Dedupe: the job id is the event id (encoded: BullMQ refuses ':' and all-digit ids), so enqueueing an
 * event that is pending, or finished within the `keepCompleted` window, is a no-op.
 *
 * Per-conversation order (BullMQ OSS has no groups). Chosen: a per-conversation list of job ids in
 * arrival order (redis-order.ts); only the head job runs its handler, then pops itself and promotes the
 * next. A job that is taken while not at the head parks itself (moved to delayed, then re-checks the
 * head so a pop that raced the park cannot strand it) and is woken by its predecessor; `parkMs` is only
 * a safety net. Retries keep their place at the head, so order holds across backoff too.
 * Rejected alternatives: a per-conversation lock alone gives mutual exclusion but not order (a job
 * delayed behind the lock re-enters behind later jobs of its conversation); fixed partitions with
 * concurrency 1 need partition ownership across instances (a rebalancing protocol) and let one slow
 * conversation block every conversation sharing its partition. The list costs two small Lua calls per
 * event on the fast path and touches nothing else when a conversation has no backlog.
 * Healing: a listed id whose job never got added (crash between the two enqueue steps) is reaped after
 * `orphanGraceMs`; a head whose job completed or finally failed is popped by whoever finds it.
 *
 * Crash recovery: a worker holds a lock of `lockDuration` (default 30 s) on each active job, renewed
 * every lockDuration/2 while the handler runs. When the process dies the lock lapses, and the stalled
 * check that every live worker runs every `stalledInterval` (default 15 s) puts the job back on the
 * queue: a crashed instance's events run again elsewhere within lockDuration + stalledInterval (≤ 45 s).
 * (BullMQ throttles that check cluster-wide with a key that lives `stalledInterval` of whoever ran it
 * last, so every instance should use the same value.) Shorter values recover faster but risk a long GC pause or CPU starvation being mistaken for a crash
 * (the job then runs twice: handlers must stay idempotent, as outbound retries make them).
 * `maxStalledCount` (default 2) bounds a poison event that crashes its process: past it the event is
 * dead-lettered.
 */
import { randomBytes } from 'node:crypto';
import { DelayedError, Queue, Worker, type Job, type JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { InboundEvent } from '../adapters/adapter.ts';
import { BotyardError } from '../errors.ts';
import { closeWorkerWithin, settlesWithin } from './bullmq-stop.ts';
import { conversationKey } from './memory.ts';
import type { DeadLetter, EventQueue, EventWorker } from './queue.ts';
import { conversationOrder } from './redis-order.ts';

export interface RedisQueueOptions {
  /** Redis URL; ignored when `connection` is given. Default redis://127.0.0.1:6379. */
  url?: string;
  /** An existing ioredis client (must have `maxRetriesPerRequest: null`, as BullMQ workers require); never closed by the queue. */
  connection?: Redis;
  /** Queue name shared by all instances (no ':'). Default 'botyard-events'. */
  name?: string;
  /** Events worked at once by this instance. Default 32. */
  concurrency?: number;
  /** Tries per event before it is dead-lettered. Default 3. */
  maxAttempts?: number;
  /** First retry delay; doubles each try (BullMQ exponential backoff). Default 1000. */
  backoffMs?: number;
  /** Job lock; see the header. Default 30000. */
  lockDuration?: number;
  /** How often this instance looks for stalled jobs. Default 15000. */
  stalledInterval?: number;
  /** Crashes an event may cause before it is dead-lettered. Default 2. */
  maxStalledCount?: number;
  /** Safety-net recheck of a parked (out-of-turn) job. Default 5000. */
  parkMs?: number;
  /** How long a listed job may stay missing before it is reaped. Default 10000. */
  orphanGraceMs?: number;
  /** Finished jobs kept for dedupe. Default { age: 3600 s, count: 100000 }. */
  keepCompleted?: { age?: number; count?: number };
  log?: Logger;
}

interface JobData {
  event: InboundEvent;
}

/** The queue name of the instances that share the Redis key prefix `prefix` ('botyard' → 'botyard-events'). */
export const queueNameFor = (prefix: string) => `${prefix}-events`;

/** The BullMQ job id of an event: never all digits, never ':'. */
export const jobIdFor = (eventId: string) => `ev-${encodeURIComponent(eventId)}`;

export function createRedisQueue(options: RedisQueueOptions = {}): EventQueue {
  const name = options.name ?? 'botyard-events';
  const owned = !options.connection;
  const connection = options.connection ?? new Redis(options.url ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
  if (owned) connection.on('error', (err) => options.log?.warn({ err }, 'queue redis connection error'));
  const maxAttempts = Math.max(1, options.maxAttempts ?? 3);
  const parkMs = options.parkMs ?? 5000;
  const orphanGraceMs = options.orphanGraceMs ?? 10_000;
  const log = options.log;
  const queue = new Queue<JobData>(name, { connection });
  queue.on('error', (err) => log?.warn({ err }, 'queue error'));
  const order = conversationOrder(connection);
  const ns = `botyard:queue:${name}`;
  const deadKey = `${ns}:dead`;
  const listKey = (event: InboundEvent) => `${ns}:order:${conversationKey(event)}`;
  const jobOptions: JobsOptions = {
    attempts: maxAttempts,
    backoff: { type: 'exponential', delay: options.backoffMs ?? 1000 },
    removeOnComplete: { age: 3600, count: 100_000, ...options.keepCompleted },
    removeOnFail: { age: 7 * 24 * 3600 },
  };
  let worker: Worker<JobData> | undefined;

  const add = async (event: InboundEvent, jobId: string) => {
    if (await order.append(listKey(event), queue.toKey(jobId), jobId)) await queue.add('event', { event }, { ...jobOptions, jobId });
  };

  const deadLetter = async (event: InboundEvent, error: unknown, attempts: number) => {
    const letter: DeadLetter = {
      event,
      error: error instanceof Error ? error.stack ?? error.message : String(error),
      attempts,
      failedAt: new Date().toISOString(),
    };
    await connection.hset(deadKey, event.id, JSON.stringify(letter));
    log?.error({ err: error, eventId: event.id, conversation: conversationKey(event), attempts }, 'event dead-lettered');
  };

  /** Pops `jobId` from its conversation and promotes the next job, which is most likely parked. */
  const advance = async (list: string, jobId: string) => {
    const next = await order.pop(list, jobId);
    if (next) await promote(next);
  };
  const promote = async (jobId: string) => {
    const job = await queue.getJob(jobId);
    await job?.promote().catch(() => {}); // not delayed: it is waiting or running already
  };

  /** Settles a head that will never pop itself; true when it was removed. */
  const settleHead = async (list: string, head: string) => {
    const job = await queue.getJob(head);
    if (!job) {
      const mark = `${ns}:orphan:${head}`;
      if ((await connection.set(mark, String(Date.now()), 'PX', orphanGraceMs * 10, 'NX')) === 'OK') return false;
      if (Date.now() - Number(await connection.get(mark)) < orphanGraceMs) return false;
      log?.warn({ jobId: head }, 'reaping a queued id whose job was never added');
      await order.pop(list, head);
      return true;
    }
    const state = await job.getState();
    if (state === 'failed') await deadLetter(job.data.event, job.failedReason, job.attemptsMade);
    else if (state !== 'completed') return false;
    await order.pop(list, head);
    return true;
  };

  const processor = (handle: EventWorker) => async (job: Job<JobData>, token?: string) => {
    const { event } = job.data;
    const jobId = job.id!;
    const list = listKey(event);
    for (;;) {
      const head = await order.head(list, jobId);
      if (head === jobId) break;
      if (head && (await settleHead(list, head))) continue;
      await job.moveToDelayed(Date.now() + parkMs, token);
      // The head may have popped between our check and the park, promoting nothing: look again.
      if ((await order.head(list, jobId)) === jobId) await job.promote().catch(() => {});
      throw new DelayedError();
    }
    const attempt = job.attemptsMade + 1;
    try {
      await handle(event, { attempt });
    } catch (err) {
      if (attempt < maxAttempts) {
        log?.warn({ err, eventId: event.id, attempt }, 'event failed; retrying');
        throw err; // BullMQ retries after backoff; the job keeps its place at the head
      }
      await deadLetter(event, err, attempt);
    }
    await advance(list, jobId);
  };

  return {
    async enqueue(event) {
      await add(event, jobIdFor(event.id));
    },
    start(handle) {
      if (worker) throw new BotyardError('QUEUE_STARTED', 'The Redis event queue already has a worker; call start() once.');
      worker = new Worker<JobData>(name, processor(handle), {
        connection,
        concurrency: options.concurrency ?? 32,
        lockDuration: options.lockDuration ?? 30_000,
        stalledInterval: options.stalledInterval ?? 15_000,
        maxStalledCount: options.maxStalledCount ?? 2,
      });
      worker.on('error', (err) => log?.error({ err }, 'queue worker error'));
      // Only crash-looping (stalled too often) jobs fail for good: the processor dead-letters the rest itself.
      worker.on('failed', (job) => {
        if (!job) return;
        void job
          .getState()
          .then(async (state) => {
            if (state !== 'failed') return;
            await deadLetter(job.data.event, job.failedReason, job.attemptsMade);
            await advance(listKey(job.data.event), job.id!);
          })
          .catch((err) => log?.error({ err, jobId: job.id }, 'could not dead-letter a failed job'));
      });
    },
    async depth() {
      const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'paused');
      return Object.values(counts).reduce((a, b) => a + b, 0);
    },
    async stop(timeoutMs = 10_000) {
      if (worker) {
        if (!(await closeWorkerWithin(worker, timeoutMs))) {
          log?.warn({ timeoutMs }, 'queue stop timed out; in-flight events will be recovered by another instance');
          if (owned) connection.disconnect();
        }
      }
      await settlesWithin(queue.close(), 1000);
      if (owned && !(await settlesWithin(connection.quit(), 1000))) connection.disconnect();
    },
    async deadLetters() {
      const all = await connection.hvals(deadKey);
      return all.map((raw) => JSON.parse(raw) as DeadLetter).sort((a, b) => a.failedAt.localeCompare(b.failedAt));
    },
    async replay(eventId) {
      const raw = await connection.hget(deadKey, eventId);
      // HDEL is the claim: of two concurrent replays only one re-enqueues.
      if (!raw || (await connection.hdel(deadKey, eventId)) === 0) return false;
      const { event } = JSON.parse(raw) as DeadLetter;
      try {
        // A fresh job id: the dead job may still be retained under the event's own id.
        await add(event, `${jobIdFor(event.id)}-r${Date.now().toString(36)}${randomBytes(3).toString('hex')}`);
      } catch (err) {
        await connection.hset(deadKey, eventId, raw);
        throw err;
      }
      return true;
    },
  };
}
