/**
 * Timers on Redis: one BullMQ delayed job per timer, in the queue `timers`. Every instance runs a
 * worker, so a due timer fires on exactly one live instance, and a pending timer survives the death of
 * any of them (it lives in Redis, not in a process).
 *
 * Keys: under `prefix` (config `redisPrefix`) like the event queue's: BullMQ's `<prefix>:timers:*` and
 * the indexes at `<prefix>:queue:timers:*` (queueKeyPatterns(prefix, 'timers') names both).
 *
 * - The job id is derived from bot + timer id, so BullMQ itself refuses a second job with the same id
 *   while one is pending, failed, or completed within `keepFiredMs` (completed jobs are kept that long).
 * - Cancel removes the job from Redis: gone for every instance. A job that is running cannot be removed.
 * - A crash mid-handler leaves the job active with a lock that lapses; another instance's stalled check
 *   puts it back (within about lockMs + stalledCheckMs) and it runs again.
 * - Retries move the job back to delayed with the next attempt in its data; the last failure leaves it
 *   failed (kept seven days), where the console's "fire now" can retry it.
 * - Listing reads the indexes of redis-index.ts, not every delayed job.
 */
import { DelayedError, Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { closeWorkerWithin } from '../../queue/bullmq-stop.ts';
import { settlesWithin } from '../../queue/settles-within.ts';
import { matchesFilter } from './memory.ts';
import { timerIndex } from './redis-index.ts';
import {
  DEFAULT_KEEP_FIRED_MS,
  DEFAULT_TIMER_CONCURRENCY,
  type DueHandler,
  type StoredTimer,
  type TimerBackend,
  type TimerBackendOptions,
  type TimerRecord,
} from './types.ts';

export interface RedisTimersOptions extends TimerBackendOptions {
  /** Redis URL; ignored when `connection` is given. Default redis://127.0.0.1:6379. */
  url?: string;
  /** An ioredis client with `maxRetriesPerRequest: null` (BullMQ needs it); never closed here. */
  connection?: Redis;
  /** Namespace of every key (config `redisPrefix`), BullMQ's included. Default 'botyard'. */
  prefix?: string;
  /** The BullMQ queue shared by every instance (no ':'). Default 'timers'. */
  name?: string;
  /** Job lock while a handler runs; a dead instance's timer runs elsewhere after about lockMs + stalledCheckMs. Default 30000. */
  lockMs?: number;
  stalledCheckMs?: number;
  log?: Logger;
}

/** Data of a timer job: the record plus what the backend tracks. */
type JobData = TimerRecord & { runAt?: number; error?: string };

const FAILED_KEEP_SECONDS = 7 * 24 * 3600;

/** BullMQ job ids may not contain ':' nor be all digits; bot names never contain '~'. */
export const timerJobId = (bot: string, id: string) => `tm~${bot}~${encodeURIComponent(id)}`;

export function createRedisTimers(options: RedisTimersOptions = {}): TimerBackend {
  const prefix = options.prefix ?? 'botyard';
  const name = options.name ?? 'timers';
  const owned = !options.connection;
  const connection = options.connection ?? new Redis(options.url ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
  const log = options.log;
  if (owned) connection.on('error', (err) => log?.warn({ err }, 'timers redis connection error'));
  const keepFiredSeconds = Math.ceil((options.keepFiredMs ?? DEFAULT_KEEP_FIRED_MS) / 1000);
  const queue = new Queue<JobData>(name, { connection, prefix });
  queue.on('error', (err) => log?.warn({ err }, 'timers queue error'));
  const index = timerIndex(connection, `${prefix}:queue:${name}`);
  let worker: Worker<JobData> | undefined;

  const stored = (job: Job<JobData>): StoredTimer | undefined => {
    if (job.finishedOn && !job.failedReason) return undefined; // fired: only its id is kept
    const { runAt, error, ...record } = job.data;
    const failed = Boolean(job.finishedOn && job.failedReason);
    return { ...record, state: failed ? 'failed' : 'pending', runAt: runAt ?? record.dueAt, ...(error ? { error } : {}) };
  };
  const jobOf = (bot: string, id: string) => queue.getJob(timerJobId(bot, id));

  const processor = (onDue: DueHandler) => async (job: Job<JobData>, token?: string) => {
    const { runAt: _runAt, error: _error, ...record } = job.data;
    let decision;
    try {
      decision = await onDue(record);
    } catch (err) {
      decision = { kind: 'retry' as const, at: Date.now() + 1000, error: String(err) };
    }
    if (decision.kind === 'done') {
      await index.remove(record, job.id!);
      return;
    }
    if (decision.kind === 'retry') {
      await job.updateData({ ...record, attempt: record.attempt + 1, runAt: decision.at, error: decision.error });
      await job.moveToDelayed(decision.at, token);
      throw new DelayedError();
    }
    await job.updateData({ ...job.data, error: decision.error });
    throw new UnrecoverableError(decision.error);
  };

  return {
    kind: 'redis',
    async schedule(timer) {
      const jobId = timerJobId(timer.bot, timer.id);
      // Index first (so a listing never misses the job); the script also says whether the job existed.
      if (!(await index.add(timer, queue.toKey(jobId), jobId))) return false;
      // Always a delayed job scored at its due time (BullMQ scores timestamp + delay): timers already
      // overdue then still fire in due-time order, not in the order they were added.
      const timestamp = Math.min(Date.now(), timer.dueAt - 1);
      await queue.add(timer.name, timer, {
        jobId,
        timestamp,
        delay: timer.dueAt - timestamp,
        attempts: 1,
        removeOnComplete: { age: keepFiredSeconds },
        removeOnFail: { age: FAILED_KEEP_SECONDS },
      });
      return true;
    },
    async cancel(bot, id) {
      const job = await jobOf(bot, id);
      if (!job || (job.finishedOn && !job.failedReason)) return false;
      try {
        await job.remove();
      } catch {
        return false; // running right now (locked): it cannot be cancelled
      }
      await index.remove(job.data, job.id!);
      return true;
    },
    async get(bot, id) {
      const job = await jobOf(bot, id);
      return job ? stored(job) : undefined;
    },
    async list(bot, filter) {
      const { key, ids } = await index.ids(bot, filter);
      const jobs = await Promise.all(ids.map(({ id }) => queue.getJob(id)));
      const out: StoredTimer[] = [];
      const longGone = Date.now() - FAILED_KEEP_SECONDS * 1000 - 86_400_000;
      await Promise.all(
        jobs.map(async (job, i) => {
          const timer = job ? stored(job) : undefined;
          if (timer) {
            if (matchesFilter(timer, filter)) out.push(timer);
            return;
          }
          // A fired job leaves the index. A missing one may have its add in flight, so it is skipped, and
          // reaped only when due so long ago that BullMQ has dropped it (a failed job, after seven days).
          if (job || ids[i]!.dueAt < longGone) await index.reap(key, ids[i]!.id);
        }),
      );
      return out.sort((a, b) => a.runAt - b.runAt || a.createdAt - b.createdAt);
    },
    async fireNow(bot, id) {
      const job = await jobOf(bot, id);
      if (!job) return false;
      const state = await job.getState();
      if (state === 'delayed') {
        await job.updateData({ ...job.data, runAt: Date.now() });
        await job.promote();
        return true;
      }
      if (state === 'failed') {
        await job.updateData({ ...job.data, attempt: 1, runAt: Date.now() });
        await job.retry('failed');
        return true;
      }
      return state === 'waiting' || state === 'prioritized';
    },
    start(onDue) {
      if (worker) throw new Error('The Redis timers already have a worker; call start() once.');
      worker = new Worker<JobData>(name, processor(onDue), {
        connection,
        prefix,
        concurrency: options.concurrency ?? DEFAULT_TIMER_CONCURRENCY,
        lockDuration: options.lockMs ?? 30_000,
        stalledInterval: options.stalledCheckMs ?? 15_000,
        maxStalledCount: 3,
      });
      worker.on('error', (err) => log?.error({ err }, 'timers worker error'));
    },
    async stop(timeoutMs = 10_000) {
      if (!worker) return;
      const w = worker;
      worker = undefined;
      // Past the deadline the worker's sockets are dropped: its locks lapse and another instance takes over.
      if (!(await closeWorkerWithin(w, timeoutMs))) log?.warn({ timeoutMs }, 'timers stop timed out; timers being fired will run again on another instance');
    },
    async close() {
      // Both wait for Redis forever while it is down (ioredis queues the commands): bounded, then dropped.
      await settlesWithin(queue.close(), 1000);
      if (owned && connection.status !== 'end' && !(await settlesWithin(connection.quit(), 1000))) connection.disconnect();
    },
  };
}
