/**
 * Ingest's accept path on Redis (`EventQueue.acceptOnce`): dedupe and durable enqueue for many
 * concurrent webhook requests in two pipelined round trips, whatever their number (group commit).
 *
 * Requests that arrive while a commit is in flight wait for the next one, so under load a commit
 * carries every request of the last ~millisecond and an idle server adds no delay at all (a lone
 * request commits on the next turn of the event loop). Each commit:
 *  1. one pipeline of the accept script per event (redis-order.ts): claims the dedupe mark under the
 *     state store's key for `claimTtlMs` and lists the job in its conversation, or answers duplicate;
 *  2. one pipeline that stores every fresh job (BullMQ's own add script), then turns each claim into
 *     the long-lived "queued" mark. Jobs queued behind others in their conversation are stored delayed
 *     (parked), so a worker never takes them out of turn; their predecessor promotes them.
 * A request is answered 'accepted' only after step 2 succeeded for its event: nothing is acked that is
 * not in Redis. When step 2 fails for an event its claim is removed (and would expire by itself), so
 * the platform's redelivery is accepted, never taken for a duplicate.
 */
import { Job, type JobsOptions, type Queue } from 'bullmq';
import type { ChainableCommander } from 'ioredis';
import type { InboundEvent } from '../adapters/adapter.ts';
import type { AcceptOptions } from './queue.ts';
import { listedFrom, type AcceptCommand, type Listed } from './redis-order.ts';

export interface AcceptorDeps<Data> {
  /** The BullMQ queue's own client (its scripts are loaded there, and its pipelines can carry them). */
  client(): Promise<Client>;
  queue: Queue<Data>;
  /** The Redis key of a state-store key (the store's prefix). */
  storeKey(key: string): string;
  listKey(event: InboundEvent): string;
  jobId(event: InboundEvent): string;
  /** What the job carries (the event, and whatever travels with it, e.g. trace context). */
  jobData(event: InboundEvent): Data;
  jobOptions: JobsOptions;
  /** How long a job queued behind others sleeps before it checks its turn by itself. */
  parkMs: number;
  /** How long a claim lives when the process dies between the two steps. Default 30 s. */
  claimTtlMs?: number;
  /** Events per commit at most. Default 500. */
  maxBatch?: number;
  /** Wakes a parked job whose predecessor finished before it was stored. */
  promote(jobId: string): Promise<void>;
}

interface Pending {
  event: InboundEvent;
  options: AcceptOptions;
  resolve(outcome: 'accepted' | 'duplicate'): void;
  reject(error: unknown): void;
}

type Results = Array<[Error | null, unknown]>;
/** What the acceptor needs of a client: pipelines (BullMQ's wrapped ioredis client gives them its script runner). */
export interface Client {
  pipeline(): ChainableCommander;
}
const CLAIMED = JSON.stringify('claimed');
const QUEUED = JSON.stringify('queued');

async function run(pipeline: ChainableCommander): Promise<Results> {
  return ((await pipeline.exec()) ?? []) as Results;
}



export function createAcceptor<Data>(deps: AcceptorDeps<Data>) {
  const claimTtl = String(deps.claimTtlMs ?? 30_000);
  const maxBatch = deps.maxBatch ?? 500;
  const waiting: Pending[] = [];
  let committing = false;

  /** Step 1: claims and lists; answers where each event stands. */
  async function claim(client: Client, batch: Pending[]): Promise<Array<Listed | Error>> {
    const pipeline = client.pipeline() as ChainableCommander & AcceptCommand;
    for (const p of batch) pipeline.botyardAccept(deps.storeKey(p.options.dedupeKey), deps.listKey(p.event), CLAIMED, claimTtl, deps.jobId(p.event));
    const results = await run(pipeline);
    return batch.map((_, i) => results[i]?.[0] ?? listedFrom(results[i]?.[1]));
  }

  /** Step 2: stores the jobs, then makes their marks long-lived; the error per event, if any. */
  async function store(client: Client, fresh: Array<{ p: Pending; listed: Listed }>): Promise<Array<Error | undefined>> {
    const pipeline = client.pipeline();
    const at: Array<{ add: number; mark: number; head: number } | Error> = [];
    for (const { p, listed } of fresh) {
      const id = deps.jobId(p.event);
      const opts = listed === 'head' ? { ...deps.jobOptions, jobId: id } : { ...deps.jobOptions, jobId: id, delay: deps.parkMs };
      const add = pipeline.length;
      try {
        // In a pipeline BullMQ's addJob only queues its script; its answer is read from exec() below.
        void new Job(deps.queue, 'event', deps.jobData(p.event), opts, id).addJob(pipeline as never).catch(() => undefined);
        if (pipeline.length === add) throw new Error('BullMQ queued no job');
      } catch (error) {
        at.push(error instanceof Error ? error : new Error(String(error))); // e.g. data JSON cannot encode
        continue;
      }
      const mark = pipeline.length;
      pipeline.set(deps.storeKey(p.options.dedupeKey), QUEUED, 'PX', String(Math.max(1, Math.ceil(p.options.dedupeTtlMs))));
      // A parked job whose predecessor finished before it was stored would sleep parkMs: look at the head.
      const head = listed === 'behind' ? pipeline.length : -1;
      if (listed === 'behind') pipeline.lindex(deps.listKey(p.event), 0);
      at.push({ add, mark, head });
    }
    const results = await run(pipeline);
    return fresh.map(({ p }, i) => {
      const where = at[i]!;
      if (where instanceof Error) return where;
      const { add, mark, head } = where;
      const [addError, added] = results[add] ?? [new Error('no answer'), undefined];
      // BullMQ's script refuses with a negative code rather than a Redis error.
      const refused = typeof added === 'number' && added < 0 ? new Error(`BullMQ refused the job (code ${added})`) : undefined;
      const error = addError ?? refused ?? results[mark]?.[0] ?? undefined;
      const id = deps.jobId(p.event);
      if (!error && head >= 0 && results[head]?.[1] === id) void deps.promote(id).catch(() => undefined);
      return error;
    });
  }

  async function commit(batch: Pending[]): Promise<void> {
    const client = await deps.client();
    const listed = await claim(client, batch);
    const fresh: Array<{ p: Pending; listed: Listed }> = [];
    batch.forEach((p, i) => {
      const l = listed[i]!;
      if (l instanceof Error) p.reject(l);
      else if (l === 'duplicate') p.resolve('duplicate');
      else fresh.push({ p, listed: l });
    });
    if (!fresh.length) return;
    let errors: Array<Error | undefined>;
    try {
      errors = await store(client, fresh);
    } catch (error) {
      errors = fresh.map(() => error as Error);
    }
    const failed = fresh.filter((_, i) => errors[i]);
    // Remove the claims first: a redelivery answered 'duplicate' after we refused would be lost.
    if (failed.length) {
      const undo = client.pipeline();
      for (const { p } of failed) undo.del(deps.storeKey(p.options.dedupeKey));
      await undo.exec().catch(() => undefined);
    }
    fresh.forEach(({ p }, i) => (errors[i] ? p.reject(errors[i]) : p.resolve('accepted')));
  }

  function next(): void {
    if (committing || !waiting.length) return;
    committing = true;
    // setImmediate, not a microtask: requests read in the same I/O phase join this commit.
    setImmediate(() => {
      const batch = waiting.splice(0, maxBatch);
      commit(batch)
        .catch((error) => batch.forEach((p) => p.reject(error)))
        .finally(() => {
          committing = false;
          next();
        });
    });
  }

  return {
    /** Dedupes and durably enqueues `event` with the requests around it. */
    accept(event: InboundEvent, options: AcceptOptions): Promise<'accepted' | 'duplicate'> {
      return new Promise((resolve, reject) => {
        waiting.push({ event, options, resolve, reject });
        next();
      });
    },
  };
}
