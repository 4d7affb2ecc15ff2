/**
 * The durable event queue on Redis, used when REDIS_URL is set. Every instance accepts into and works
 * from one queue, so an acked event survives the crash of the instance that took it and any instance
 * can work it.
 *
 * Why not BullMQ (which the timers still use): its per-job work (add script, worker fetch, move to
 * completed, plus a delayed add and a promote for every event queued behind another in its
 * conversation) cost more CPU per event than a whole webhook request (bench/ingest/queue-cost.ts,
 * bench/NOTES.md). Here every step is one short Lua script per *batch* (redis-scripts.ts):
 *  - accept: dedupe mark + store + list, for every request in flight, in one transaction (group commit):
 *    the events' JSON in one HSET, then one script that marks and lists them;
 *  - claim: a worker takes up to `concurrency` ready conversations with up to `chunk` events each;
 *  - ack: the finished events of all conversations, in one script, which also hands out the next chunk.
 * Accept and ack, the two scripts every event pays a share of, are written with the queue's own encoder
 * (redis-resp.ts); events accepted here are worked from memory when this instance claims them
 * (redis-local.ts), so nothing is read back or parsed on one instance.
 *
 * Per-conversation order: the unit of work is the conversation, not the event. A conversation with
 * pending events is either ready (in one list, at most once) or claimed by one instance, which works its
 * events one after the other from the head, so order holds across instances, retries and crashes.
 *
 * Retries: a failing event keeps its place at the head; its failed try is written to Redis before the
 * backoff (`backoffMs`, doubling per try), so a crash meanwhile does not reset its count. After
 * `maxAttempts` tries it is dead-lettered (`<ns>:dead`, with its trace id) and the conversation moves on.
 *
 * Crash recovery: a claim is a lease of `lockDuration` (default 30 s) renewed every lockDuration/2.
 * Every instance looks for lapsed leases every `stalledInterval` (default 15 s) and readies those
 * conversations, counting a stall against their head event: a crashed instance's events run again
 * elsewhere within lockDuration + stalledInterval. An event that stalled more than `maxStalledCount`
 * times (default 2: it keeps killing its process) is dead-lettered. A lease lost to a long pause is
 * noticed at the next renewal; the event that was running may then run twice (as with any lease:
 * handlers stay idempotent, as outbound retries make them).
 *
 * Keys: everything under `<prefix>:queue:<name>:*` (config `redisPrefix`), beside the state store's
 * `<prefix>:<key>` whose dedupe marks `acceptOnce` writes, so one prefix is one deployment.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { InboundEvent } from '../adapters/adapter.ts';
import { BotyardError } from '../errors.ts';
import { settlesWithin } from './settles-within.ts';
import { eventJsonParts } from './event-json.ts';
import { groupCommit } from './group-commit.ts';
import { conversationKey } from './memory.ts';
import type { DeadLetter, EventQueue } from './queue.ts';
import { warnLegacyQueue } from './redis-legacy.ts';
import { localEvents } from './redis-local.ts';
import type { RespArg, RespPiece } from './redis-resp.ts';
import { acceptScript } from './redis-scripts.ts';
import { startWorker, type QueueWorker } from './redis-worker.ts';

export interface RedisQueueOptions {
  /** Redis URL; ignored when `connection` is given. Default redis://127.0.0.1:6379. */
  url?: string;
  /** An existing ioredis client; never closed by the queue. */
  connection?: Redis;
  /** Namespace of every key (config `redisPrefix`), shared with the state store whose dedupe marks `acceptOnce` writes. Default 'botyard'. */
  prefix?: string;
  /** Queue name shared by all instances (no ':'). Default 'events'. */
  name?: string;
  /** Conversations (so events) worked at once by this instance. Default 32. */
  concurrency?: number;
  /** Tries per event before it is dead-lettered. Default 3. */
  maxAttempts?: number;
  /** First retry delay; doubles each try. Default 1000. */
  backoffMs?: number;
  /** Lease on a claimed conversation; see the header. Default 30000. */
  lockDuration?: number;
  /** How often this instance looks for lapsed leases. Default 15000. */
  stalledInterval?: number;
  /** Crashes an event may cause before it is dead-lettered. Default 2. */
  maxStalledCount?: number;
  /** Events of one conversation fetched at a time. Default 32. */
  chunk?: number;
  /** How long `enqueue` remembers an event id to drop a second enqueue of it. Default 3600 s. */
  enqueueDedupeMs?: number;
  log?: Logger;
}

/** How long past its bound a stop waits for the worker's last step (giving back conversations it holds idle). */
const STOP_GRACE_MS = 250;

/** Key patterns of everything a queue keeps (tests and operators clean up with these). */
export const queueKeyPatterns = (prefix = 'botyard', name = 'events') => [`${prefix}:${name}:*`, `${prefix}:queue:${name}:*`];

interface Accept {
  mark: string;
  ttlMs: number;
  event: InboundEvent;
  entry: string;
}

export function createRedisQueue(options: RedisQueueOptions = {}): EventQueue {
  const prefix = options.prefix ?? 'botyard';
  const name = options.name ?? 'events';
  const owned = !options.connection;
  const connection = options.connection ?? new Redis(options.url ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
  if (owned) connection.on('error', (err) => options.log?.warn({ err }, 'queue redis connection error'));
  const log = options.log;
  const ns = `${prefix}:queue:${name}`;
  const deadKey = `${ns}:dead`;
  let worker: QueueWorker | undefined;
  // Events accepted here, by entry id, while this instance runs a worker: whichever of them it claims
  // (most, on one instance) it works from memory (redis-local.ts).
  const local = localEvents();

  // Every accept in flight (acceptOnce, enqueue, replay) shares one script call. An event JSON cannot
  // encode is refused alone, before the script: the rest of its commit goes on.
  const accepts = groupCommit<Accept, boolean>(async (batch) => {
    // This instance's worker, if it runs, takes the conversations this commit wakes (as many as it has
    // free slots) in the same script: their events are in `local`, so nothing more is read or sent.
    const taker = worker;
    const free = taker?.reserve() ?? 0;
    const args: RespArg[] = [ns, taker?.token ?? '', options.lockDuration ?? 30_000, free, options.chunk ?? 32];
    const data: RespArg[] = [`${ns}:data`];
    const answers: Array<boolean | Error> = [];
    const sent: number[] = [];
    batch.forEach((a, i) => {
      let json: RespPiece[];
      try {
        // Pieces, not one string: the webhook's bytes go into the command as they are (redis-resp.ts),
        // and ioredis would write a command of string arguments as one concatenated string, whose
        // writing (two-byte as soon as a message has a '…') cost more than the rest of an accept.
        json = eventJsonParts(a.event);
      } catch (error) {
        answers[i] = error instanceof Error ? error : new Error(String(error));
        return;
      }
      data.push(a.entry, json);
      args.push(a.mark, Math.max(1, Math.ceil(a.ttlMs)), conversationKey(a.event), a.entry);
      sent.push(i);
    });
    let reply: Array<string | number | null> = [];
    try {
      if (sent.length) reply = (await acceptScript.runAfter(connection, { name: 'hset', args: data }, args)) as Array<string | number | null>;
    } catch (error) {
      taker?.unreserve(free);
      throw error;
    }
    // Kept in memory, not only for the conversations this worker holds or just claimed: those it did not
    // take now wait in the ready list, and its own acks usually claim them a moment later.
    sent.forEach((i, k) => {
      answers[i] = reply[k] === 1;
      const { event, entry } = batch[i]!;
      if (answers[i] && taker) local.set(entry, event);
    });
    if (taker) {
      const adopted = taker.adopt(reply, sent.length);
      taker.unreserve(free);
      void adopted;
    }
    return answers;
  });

  const enqueueOnce = (event: InboundEvent, entry: string, mark: string, ttlMs: number) => accepts.submit({ mark, ttlMs, event, entry });
  // Each acceptance gets an entry of its own (the event's id, then a tag no other acceptance has): its
  // data is written before the script knows whether the event is a duplicate, and so lands in a field
  // of its own, which the script takes back for a duplicate, never in the still pending original's.
  const tag = randomBytes(4).toString('hex');
  let accepted = 0;
  const entryOf = (event: InboundEvent) => `${event.id}~${tag}${(accepted++).toString(36)}`;

  return {
    async enqueue(event) {
      // Dedupes by event id for enqueueDedupeMs (ingest's own dedupe is acceptOnce's mark).
      await enqueueOnce(event, entryOf(event), `${ns}:seen:${event.id}`, options.enqueueDedupeMs ?? 3_600_000);
    },
    async acceptOnce(event, accept) {
      const fresh = await enqueueOnce(event, entryOf(event), `${prefix}:${accept.dedupeKey}`, accept.dedupeTtlMs);
      return fresh ? 'accepted' : 'duplicate';
    },
    start(handle) {
      if (worker) throw new BotyardError('QUEUE_STARTED', 'The Redis event queue already has a worker; call start() once.');
      worker = startWorker(handle, {
        client: connection,
        ns,
        concurrency: options.concurrency ?? 32,
        maxAttempts: Math.max(1, options.maxAttempts ?? 3),
        backoffMs: options.backoffMs ?? 1000,
        lockMs: options.lockDuration ?? 30_000,
        stalledIntervalMs: options.stalledInterval ?? 15_000,
        maxStalledCount: options.maxStalledCount ?? 2,
        chunk: options.chunk ?? 32,
        local,
        ...(log ? { log } : {}),
      });
      if (name === 'events') void warnLegacyQueue(connection, prefix, log);
    },
    async depth() {
      return Number((await connection.get(`${ns}:depth`)) ?? 0);
    },
    async stop(timeoutMs = 10_000) {
      // The bound is the caller's (shutdownTimeoutMs, matched to the orchestrator's grace period), plus a moment
      // for the worker to give back idle conversations: with Redis gone its claim loop can hang on a call that
      // never answers, and the stop must still end in time.
      if (worker && !(await settlesWithin(worker.stop(timeoutMs), timeoutMs + STOP_GRACE_MS))) {
        log?.warn({ timeoutMs }, 'queue stop timed out giving back its conversations; their leases lapse instead');
      }
      if (owned && !(await settlesWithin(connection.quit(), 1000))) connection.disconnect();
    },
    async deadLetters() {
      const all = await connection.hvals(deadKey);
      return all.map((raw) => JSON.parse(raw) as DeadLetter).sort((a, b) => a.failedAt.localeCompare(b.failedAt));
    },
    deadLetterCount: () => connection.hlen(deadKey),
    async replay(eventId) {
      const raw = await connection.hget(deadKey, eventId);
      // HDEL is the claim: of two concurrent replays only one re-enqueues.
      if (!raw || (await connection.hdel(deadKey, eventId)) === 0) return false;
      const { event } = JSON.parse(raw) as DeadLetter;
      // A fresh entry id: its tries start again from 0.
      const entry = `${event.id}~r${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
      try {
        await enqueueOnce(event, entry, `${ns}:seen:${entry}`, 60_000);
      } catch (err) {
        await connection.hset(deadKey, eventId, raw);
        throw err;
      }
      return true;
    },
  };
}
