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
  /** Listed times had whole-second precision: poll once more even if unchanged, in case a message shared that second. */
  recheck?: boolean;
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
