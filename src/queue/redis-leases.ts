/**
 * The timers that keep the Redis queue's claims honest (redis-worker.ts): this instance renews the
 * leases of the conversations it holds every lockMs/2, and looks every `stalledIntervalMs` for
 * conversations whose owner stopped renewing (it died, or starved past its lease) to take them back.
 */
import type { Logger } from 'pino';
import type { queueScripts } from './redis-scripts.ts';

export interface LeaseOptions<T extends { conv: string }> {
  scripts: ReturnType<typeof queueScripts>;
  ns: string;
  token: string;
  lockMs: number;
  stalledIntervalMs: number;
  /** What this instance holds now, one per conversation. */
  held(): T[];
  /**
   * One whose lease another instance took over: start nothing more of it. It is the one held when the
   * renewal was sent, not whatever holds the conversation when the answer comes: a claim read between
   * the two may have taken the conversation back, and the renewal's news is older than that claim.
   */
  lost(h: T): void;
  log?: Logger;
}

/** Starts both timers (unref'd: they never keep the process alive); answers a function that stops them. */
export function maintainLeases<T extends { conv: string }>(o: LeaseOptions<T>): () => void {
  const renew = setInterval(() => {
    const mine = new Map(o.held().map((h) => [h.conv, h]));
    if (!mine.size) return;
    o.scripts.botyardQRenew(o.ns, o.token, o.lockMs, ...mine.keys()).then((lost) => {
      for (const conv of lost) {
        o.lost(mine.get(conv)!);
        o.log?.warn({ conversation: conv }, 'queue lease lost (this instance was too slow to renew it); another instance works the conversation now');
      }
    }, (err) => o.log?.warn({ err }, 'queue could not renew its leases'));
  }, Math.max(50, o.lockMs / 2));
  const reap = setInterval(() => {
    o.scripts.botyardQReap(o.ns, 100).then(
      (n) => n && o.log?.warn({ conversations: n }, 'queue took back conversations whose instance stopped renewing its lease'),
      (err) => o.log?.warn({ err }, 'queue could not look for lapsed leases'),
    );
  }, o.stalledIntervalMs);
  renew.unref();
  reap.unref();
  return () => {
    clearInterval(renew);
    clearInterval(reap);
  };
}
