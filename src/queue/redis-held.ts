/**
 * The conversations a Redis queue worker holds (redis-worker.ts): one current `Held` per conversation,
 * the one its lease renewals, its slot count and its claims see.
 *
 * A script may claim for this instance a conversation it still holds. Its lease lapsed while a handler
 * ran (a blocked event loop, a failed renewal) and a reaper readied it; or an ack released it and a
 * claim in the same or the next script took it back before the drive that ack answered had returned.
 * The owner token is the same, so Redis cannot tell the two holds apart: the worker must. Were the new
 * hold simply set in the map, the old drive could delete it on its way out (then nothing renews its
 * lease) or still be running the head the new one starts again (two runs in one process, both acked).
 *
 * So a claim of a conversation held here supersedes the old Held instead: the old one starts nothing
 * more (a drive runs events only while its Held is current) and can only drop its own entry; the new
 * one waits for the old drive to return, then reads the conversation afresh from Redis (the worker's
 * `peek`), because the claim's copy may list events the old drive acked since, with tries and stalls
 * from before. Waiting, not merging: once the old drive has returned it has no ack in flight, so what
 * Redis then holds is final for it, whichever order the claim and its acks ran in; a merge would have to
 * work that order out from replies that may be read in either order.
 */
import { readItems, type Item } from './redis-replies.ts';
import type { queueScripts } from './redis-scripts.ts';

export interface Held {
  conv: string;
  items: Item[];
  /** Another owner took it (our lease lapsed): start nothing more. */
  lost: boolean;
  /** The ack answered that the conversation is no longer ours (released, or lost). */
  ended: boolean;
  /** An event of it is being worked (its handler, retry wait or ack), or it waits for `after`: stop() waits for it. */
  busy: boolean;
  /** A retry's backoff timer, cancelled by stop(). */
  sleep?: { timer: NodeJS.Timeout; wake(): void };
  /** The Held this one superseded: this one starts nothing before that one's drive has returned. */
  after?: Held;
  /** The last event whose ack this Held sent, and whether it was sent 'clean' (no tries or stalls to delete). */
  acked?: { id: string; clean: boolean };
  /**
   * An event the Held this one superseded acked 'clean' just before: the claim may have followed a reap
   * that counted a stall against it, which that ack then left behind. Deleted when this one reads the
   * conversation afresh.
   */
  scrub?: string;
  /** Its drive has returned (`finish`). */
  finished: boolean;
  /** The one Held that superseded this one, waiting for it to finish (`finished`). */
  onFinish?: () => void;
}

/** Marks `h`'s drive as returned, waking the Held that waits for it. */
export function finish(h: Held): void {
  h.finished = true;
  h.onFinish?.();
}

/**
 * Settles once `h` is finished. Made only for a Held that was superseded, not one per claim: only its
 * one successor waits for it (a later claim supersedes the successor, and waits for that instead).
 */
function finished(h: Held): Promise<void> {
  return h.finished ? Promise.resolve() : new Promise<void>((resolve) => (h.onFinish = resolve));
}

/** Whether `h`, or a Held it waits for, is working an event. */
export function busy(h: Held): boolean {
  for (let x: Held | undefined = h; x; x = x.after) if (x.busy) return true;
  return false;
}

export class HeldConversations {
  private readonly map = new Map<string, Held>();

  get size(): number {
    return this.map.size;
  }

  /** The current Held of every conversation held. */
  values(): IterableIterator<Held> {
    return this.map.values();
  }

  /** Holds a conversation a script just claimed, superseding a Held of it still here (see the header). */
  hold(conv: string, items: Item[]): Held {
    const after = this.map.get(conv);
    // A superseding Held reads its items from Redis once `after` is done: the claim's copy may be stale.
    const h: Held = { conv, items: after ? [] : items, lost: false, ended: false, busy: false, finished: false };
    if (after) {
      h.after = after;
      if (after.acked?.clean) h.scrub = after.acked.id;
    }
    this.map.set(conv, h);
    return h;
  }

  isCurrent(h: Held): boolean {
    return this.map.get(h.conv) === h;
  }

  /** Lets go of `h`: of its own entry only, never of a Held that superseded it. */
  drop(h: Held): void {
    if (this.isCurrent(h)) this.map.delete(h.conv);
  }

  /** Every Held that may still run something: the current ones and those they wait for. */
  *running(): Generator<Held> {
    for (const h of this.map.values()) for (let x: Held | undefined = h; x; x = x.after) yield x;
  }
}

/** What a superseding Held needs to read its conversation afresh. */
export interface Reread {
  scripts: ReturnType<typeof queueScripts>;
  ns: string;
  token: string;
  chunk: number;
  /** Gives items their events (from memory, else from Redis). */
  fill(items: Item[]): Promise<void>;
  stopping(): boolean;
}

/**
 * A superseding Held's start: once the drive it superseded has returned, reads what is left of the
 * conversation into `h.items`; answers false when it is no longer ours (the old drive's last ack released
 * it, or another owner took it since) or has nothing left (then it is given back, as an ack would).
 */
export async function resume(h: Held, held: HeldConversations, r: Reread): Promise<boolean> {
  h.busy = true;
  await finished(h.after!);
  h.busy = false;
  delete h.after;
  // Superseded in turn meanwhile: its successor reads instead (the drive starts nothing for this one).
  if (r.stopping() || !held.isCurrent(h)) return true;
  const reply = await r.scripts.botyardQPeek(r.ns, r.token, h.conv, r.chunk, h.scrub ?? '');
  if (typeof reply === 'number') return false;
  const { items } = readItems(reply, 0);
  if (!items.length) {
    await r.scripts.botyardQRelease(r.ns, r.token, h.conv);
    return false;
  }
  await r.fill(items);
  h.items = items;
  return true;
}
