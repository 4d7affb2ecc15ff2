/**
 * Events this instance accepted into the Redis queue, kept in memory by entry id so that when its own
 * worker claims them (at accept, or later from the ready list) they are worked without reading their
 * JSON back from Redis and parsing it (an HMGET round trip and ~6 µs of JSON.parse per event).
 *
 * A cache, never the truth: Redis holds every accepted event, and a miss only costs that read. An entry
 * goes when the worker finishes its event; one another instance works instead (a cluster, or a lease
 * lost) is never finished here, so entries also go once older than `maxAgeMs` (looked at every 64 new
 * ones) or past `max` (oldest first). An event waits longer than that only under a backlog, which is
 * when reading it back is the least of the costs.
 */
import type { InboundEvent } from '../adapters/adapter.ts';

export interface LocalEvents {
  /** Keeps `event` as entry `id`. */
  set(id: string, event: InboundEvent): void;
  /** The event of entry `id`, if still kept. */
  get(id: string): InboundEvent | undefined;
  /** Forgets entry `id` (its event is finished, or no longer this instance's to work). */
  delete(id: string): void;
}

/** `now` is a clock in ms (a test's own). */
export function localEvents(max = 5_000, maxAgeMs = 30_000, now: () => number = () => performance.now()): LocalEvents {
  // Insertion order is age order: the oldest entry is always the first.
  const kept = new Map<string, { event: InboundEvent; at: number }>();
  let sets = 0;
  return {
    set(id, event) {
      const at = now();
      kept.delete(id);
      kept.set(id, { event, at });
      // Swept every SWEEP_EVERY sets, or when over the cap: a Map keeps the slots of deleted entries
      // until it is rehashed, and the worker deletes from the front, so iterating from the front on
      // every set walked over all of them (~2.5 µs per event in queue-cost).
      if (kept.size <= max && ++sets % SWEEP_EVERY !== 0) return;
      for (const [old, entry] of kept) {
        if (kept.size <= max && at - entry.at <= maxAgeMs) break;
        kept.delete(old);
      }
    },
    get: (id) => kept.get(id)?.event,
    delete: (id) => void kept.delete(id),
  };
}

const SWEEP_EVERY = 64;
