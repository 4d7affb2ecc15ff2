/**
 * Per-thread poll leases across instances: a thread is polled by the instance holding its StateStore
 * lease. A lease is taken when its thread needs polling and then kept alive by a heartbeat (every
 * third of the TTL) for as long as this instance runs, so ownership is stable; when the instance dies
 * the heartbeat stops and its leases lapse within one TTL, after which the next instance to see the
 * thread move takes it. On a clean stop every lease is released at once.
 */
import type { Logger } from 'pino';
import type { StateStore } from '../../state/store.ts';
import { keys } from './cursor.ts';

export interface ThreadLeasesDeps {
  store: () => StateStore;
  bot: () => { id: string };
  owner: string;
  ttlMs: number;
  log: () => Logger | undefined;
}

export function createThreadLeases(deps: ThreadLeasesDeps) {
  const held = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let beating: Promise<void> | undefined;
  const key = (threadId: string) => keys.lease(deps.bot().id, threadId);

  async function heartbeat(): Promise<void> {
    await Promise.all(
      [...held].map(async (threadId) => {
        try {
          if (!(await deps.store().renewLease(key(threadId), deps.owner, deps.ttlMs))) held.delete(threadId);
        } catch (err) {
          // The store is unreachable: keep trying; if the lease lapses meanwhile, renew says so next time.
          deps.log()?.warn({ err, threadId }, 'acs poller: could not renew a thread lease');
        }
      }),
    );
  }

  return {
    /** True when this instance holds (or just took) the lease of `threadId`. */
    async owns(threadId: string): Promise<boolean> {
      const ok = await deps.store().acquireLease(key(threadId), deps.owner, deps.ttlMs);
      if (ok) held.add(threadId);
      else held.delete(threadId);
      return ok;
    },
    /** Thread ids this instance holds. */
    held: () => [...held],
    start(): void {
      if (timer) return;
      timer = setInterval(() => {
        beating ??= heartbeat().finally(() => (beating = undefined));
      }, Math.max(50, Math.floor(deps.ttlMs / 3)));
      timer.unref();
    },
    /** Stops the heartbeat and gives every lease back, so another instance can take the threads at once. */
    async releaseAll(): Promise<void> {
      clearInterval(timer);
      timer = undefined;
      await beating;
      const threads = [...held];
      held.clear();
      await Promise.all(threads.map((t) => deps.store().releaseLease(key(t), deps.owner).catch(() => false)));
    },
  };
}
