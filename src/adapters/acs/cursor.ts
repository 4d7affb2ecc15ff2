import type { ChatMessage } from '@azure/communication-chat';
import type { MessageChange } from './normalize.ts';

/**
 * Durable poller state, in the StateStore:
 *   acs:poller:<botUserId>            { threadsSince }  — server time up to which every listed thread was handled
 *   acs:cursor:<botUserId>:<threadId> ThreadCursor     — one per thread
 *   acs:lease:<botUserId>:<threadId>  lease            — which instance polls the thread (when leases are on)
 */
export const keys = {
  poller: (bot: string) => `acs:poller:${bot}`,
  cursor: (bot: string, thread: string) => `acs:cursor:${bot}:${thread}`,
  lease: (bot: string, thread: string) => `acs:lease:${bot}:${thread}`,
};

export interface PollerState {
  /** Max lastMessageReceivedOn (ms) of threads handled; listChatThreads asks from here minus the overlap. */
  threadsSince?: number;
}

export interface ThreadCursor {
  /** lastMessageReceivedOn as listed when this thread was last handled: unchanged → not polled. */
  lmro?: string;
  /** Highest sequenceId handled: above it a message is new, at or below it is an edit or delete. */
  maxSeq: number;
  /** Max created/edited/deleted time (ms) handled; listMessages asks from here minus the overlap. */
  watermark: number;
  /** Message id → [version handled, modified ms], kept for the overlap window so re-listed messages are skipped. */
  seen: Record<string, [string, number]>;
  /**
   * Local time (ms) when the last read of this thread started. With second-precision listings a message
   * landing later in the same second as `lmro` does not move the listing, so the thread is read again
   * until a read has started after that second closed (plus the clock-skew margin): see `secondOpen`.
   */
  readAt?: number;
  /**
   * The service's time (a lower bound, from its `Date` headers: service-clock.ts) when the last read
   * started. When present it decides `secondOpen` instead of `readAt` and a fixed skew margin.
   */
  serviceReadAt?: number;
  /** Written by older versions (one forced re-read); read once as "open", then dropped. */
  recheck?: boolean;
}

/**
 * Between the clock that stamps the service's `Date` headers (its front end) and the one that stamps
 * messages (its chat store): datacenter clocks are kept within milliseconds of each other; this leaves
 * room for that and for a message becoming visible to reads a little after it was stamped.
 */
export const SERVICE_CLOCK_MARGIN_MS = 250;

/**
 * True while a thread listed at whole-second `lmro` may still receive messages the listing cannot show:
 * its last read started before that second ended at the service: by the service's clock as its
 * responses told it (`serviceReadAt`, less SERVICE_CLOCK_MARGIN_MS), else by ours less `skewMs`. A
 * service that has shown sub-second times never needs this (a later message always moves the listing).
 */
export function secondOpen(cursor: ThreadCursor, subSecondService: boolean, skewMs: number): boolean {
  if (cursor.recheck) return true;
  if (subSecondService || cursor.lmro === undefined) return false;
  const listed = Date.parse(cursor.lmro);
  if (!wholeSecond(listed)) return false;
  if (cursor.serviceReadAt !== undefined) return cursor.serviceReadAt - SERVICE_CLOCK_MARGIN_MS < listed + 1000;
  return (cursor.readAt ?? 0) - skewMs < listed + 1000;
}

/**
 * Milliseconds from `now` (our clock) until a read starting then would close the thread's open second
 * (the inverse of `secondOpen`): 0 when it is not open, undefined for an older version's forced recheck.
 * `serviceNow` is the service's time at `now` when it is known (then the service clock decides, as in
 * `secondOpen`), else our clock less `skewMs` does.
 */
export function secondClosesIn(cursor: ThreadCursor, subSecondService: boolean, skewMs: number, now: number, serviceNow: number | undefined): number | undefined {
  if (cursor.recheck) return undefined;
  if (!secondOpen(cursor, subSecondService, skewMs)) return 0;
  const closes = Date.parse(cursor.lmro!) + 1000;
  return Math.max(0, serviceNow !== undefined ? closes + SERVICE_CLOCK_MARGIN_MS - serviceNow : closes + skewMs - now);
}

export const modifiedOn = (m: ChatMessage): number =>
  Math.max(m.createdOn.getTime(), m.editedOn?.getTime() ?? 0, m.deletedOn?.getTime() ?? 0);

/**
 * What a listed message means for this cursor: undefined when it was already handled (same version),
 * or when it is new but already deleted (nothing to tell); 'new' above maxSeq; otherwise an edit or a delete.
 */
export function classify(cursor: ThreadCursor, m: ChatMessage): MessageChange | undefined {
  const prev = cursor.seen[m.id];
  if (prev && prev[0] === m.version) return undefined;
  if (Number(m.sequenceId) > cursor.maxSeq) return m.deletedOn ? undefined : 'new';
  if (m.deletedOn) return 'deleted';
  if (prev || m.editedOn) return 'updated';
  return undefined;
}

/** Records a handled message and moves the watermarks. */
export function advance(cursor: ThreadCursor, m: ChatMessage): void {
  const mod = modifiedOn(m);
  cursor.seen[m.id] = [m.version, mod];
  cursor.maxSeq = Math.max(cursor.maxSeq, Number(m.sequenceId));
  cursor.watermark = Math.max(cursor.watermark, mod);
}

/** Forgets seen entries older than twice the overlap (they can no longer be re-listed unchanged). */
export function prune(cursor: ThreadCursor, overlapMs: number): void {
  const keepFrom = cursor.watermark - 2 * overlapMs;
  for (const [id, [, mod]] of Object.entries(cursor.seen)) if (mod < keepFrom) delete cursor.seen[id];
}

/** True when a listed time has no sub-second part (the service may send `2024-06-06T00:03:29Z`). */
export const wholeSecond = (ms: number) => ms % 1000 === 0;

/**
 * When the newest message read was created, to the millisecond when that can be told. The wire's
 * createdOn has second precision while listChatThreads' lastMessageReceivedOn may have milliseconds;
 * ACS message ids are the creation time in epoch ms, except that an id is bumped past the one before
 * it when two messages share a millisecond. So the id is the creation time when it falls within
 * createdOn's second and is clear of the previous message's id (which must have been read too, to
 * know); otherwise createdOn. A value at or below the true time is always safe (the next listing then
 * differs and the thread is read once more); never above it.
 */
export function createdMs(m: ChatMessage, prev: ChatMessage | undefined): number {
  const created = m.createdOn.getTime();
  const id = Number(m.id);
  if (!wholeSecond(created) || !Number.isSafeInteger(id) || id < created || id >= created + 1000) return created;
  if (!prev || Number(prev.sequenceId) !== Number(m.sequenceId) - 1) return created;
  const prevId = Number(prev.id);
  return Number.isSafeInteger(prevId) && prevId < id - 1 ? id : created;
}
