/**
 * Stopping a BullMQ worker (the timers' on Redis) within a bound.
 */
import type { Worker } from 'bullmq';
import { settlesWithin } from './settles-within.ts';


/**
 * Closes `worker`, letting running jobs finish for up to `timeoutMs`; true when it closed in time.
 * Past the bound (a handler outran it, or Redis is unreachable and BullMQ's close waits on it forever)
 * it drops the worker's sockets and timers instead, so the process can exit: jobs still running keep
 * their lock only until it lapses, then another instance recovers them. `worker.close(true)` would not
 * do: BullMQ hands back the first, pending close.
 */
export async function closeWorkerWithin(worker: Worker, timeoutMs: number): Promise<boolean> {
  if (await settlesWithin(worker.close(), timeoutMs)) return true;
  // BullMQ internals (v5), reached because its close never gets to them: the blocking client, the
  // lock-renewal timer and the stalled-check timer would keep the process alive.
  const internals = worker as unknown as {
    blockingConnection?: { disconnect(wait?: boolean): Promise<void> };
    lockManager?: { close(): Promise<void> };
    stalledCheckStopper?: () => void;
  };
  await settlesWithin(internals.blockingConnection?.disconnect(false) ?? Promise.resolve(), 500);
  await settlesWithin(internals.lockManager?.close() ?? Promise.resolve(), 500);
  internals.stalledCheckStopper?.();
  return false;
}
