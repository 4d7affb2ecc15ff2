/**
 * A retry never starts beside a timed-out copy of itself. When a run times out, its promise may still
 * be working (JavaScript cannot kill it; its ctx.signal is aborted and its verbs refuse to send, but
 * its own code goes on). Until that promise settles, the run is "overrunning":
 *   - in this process, a retry of the same handler for the same event waits for it (up to `waitMs`);
 *   - for other instances (Redis), a marker in the state store, renewed while the copy runs and
 *     removed when it settles, makes their retry fail fast with "still running" instead.
 * A retry that finds the copy still running fails that attempt without running anything; the queue
 * tries again later, and dead-letters the event if the copy never ends. Nothing is written unless a
 * run actually timed out, so the normal path costs nothing.
 */
import type { Logger } from 'pino';
import type { StateStore } from '../state/store.ts';

export interface OverrunGuardOptions {
  store: StateStore;
  log: Logger;
  /** How long the store marker lives without renewal (it is renewed at a third of this). */
  markerTtlMs?: number;
}

export interface OverrunGuard {
  /** A run for `key` timed out and `settled` resolves when it really ends. */
  overran(key: string, settled: Promise<void>): void;
  /** True while a timed-out copy of `key` runs in this process (a synchronous check for the hot path). */
  runningHere(key: string): boolean;
  /**
   * Before a retry of `key`: resolves undefined when nothing of it is running (after waiting up to
   * `waitMs` for a local copy), or the reason the retry must not start.
   */
  clear(key: string, waitMs: number, options?: { askStore?: boolean }): Promise<string | undefined>;
}

const markerKey = (key: string) => `overrun:${key}`;

export function createOverrunGuard(options: OverrunGuardOptions): OverrunGuard {
  const ttl = options.markerTtlMs ?? 30_000;
  const local = new Map<string, Promise<void>>();

  return {
    overran(key, settled) {
      local.set(key, settled);
      const marker = markerKey(key);
      const write = () => options.store.set(marker, Date.now(), { ttlMs: ttl }).catch((err) => options.log.warn({ err, key }, 'could not mark an overrunning handler'));
      void write();
      const renew = setInterval(() => void write(), Math.max(1000, ttl / 3));
      renew.unref();
      void settled.finally(async () => {
        clearInterval(renew);
        await options.store.delete(marker).catch(() => undefined);
        if (local.get(key) === settled) local.delete(key);
      });
    },

    runningHere: (key) => local.has(key),

    async clear(key, waitMs, clearOptions = {}) {
      const running = local.get(key);
      if (running) {
        let timer: NodeJS.Timeout | undefined;
        const ended = await Promise.race([running.then(() => true), new Promise<false>((r) => (timer = setTimeout(() => r(false), waitMs)))]);
        clearTimeout(timer);
        if (!ended) return 'the timed-out copy of this handler is still running here';
        return undefined;
      }
      if (clearOptions.askStore !== false && (await options.store.get(markerKey(key))) !== undefined) return 'the timed-out copy of this handler is still running on another instance';
      return undefined;
    },
  };
}
