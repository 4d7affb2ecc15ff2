/**
 * Stopping a BullMQ worker within a bound. BullMQ's close waits for running jobs and, with Redis away,
 * for Redis forever; past the bound the sockets are dropped instead, so the process can exit, and jobs
 * still running keep their lock only until it lapses, then another instance recovers them.
 */
import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

/** True when `promise` settled within `ms` (its outcome is ignored); never rejects. */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const settled = promise.then(() => true, () => true);
  const result = await Promise.race([settled, new Promise<false>((resolve) => (timer = setTimeout(resolve, ms, false)))]);
  clearTimeout(timer);
  return result;
}

/** Closes `worker` gracefully within `timeoutMs`, or drops its connections (and `owned`, when given). */
export async function closeWorker(worker: Worker, timeoutMs: number, log: Logger | undefined, owned?: Redis): Promise<void> {
  const graceful = worker.close().catch((err) => log?.warn({ err }, 'queue worker close failed'));
  if (await settlesWithin(graceful, timeoutMs)) return;
  // worker.close(true) would only hand back the pending close (BullMQ keeps the first call).
  log?.warn({ timeoutMs }, 'queue stop timed out; in-flight events will be recovered by another instance');
  // BullMQ internals (v5), reached because its close never gets to them while Redis is away:
  // the blocking client, the lock-renewal timer and the stalled-check timer would keep the process alive.
  const internals = worker as unknown as {
    blockingConnection?: { disconnect(wait?: boolean): Promise<void> };
    lockManager?: { close(): Promise<void> };
    stalledCheckStopper?: () => void;
  };
  await settlesWithin(internals.blockingConnection?.disconnect(false) ?? Promise.resolve(), 500);
  await settlesWithin(internals.lockManager?.close() ?? Promise.resolve(), 500);
  internals.stalledCheckStopper?.();
  owned?.disconnect();
}
