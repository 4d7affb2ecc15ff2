/**
 * Pinned messages: `pinned: true` on send, `pinMessage`/`unpinMessage` (partial updates of `pinned`,
 * `pin_expires`), `pinned_messages` on channel queries and `GET /channels/{type}/{id}/pinned_messages`.
 */
import type { ChannelRecord, MessageRecord } from './records.ts';
import type { StreamStore } from './store.ts';

/** Keeps `pinned_at` / `pinned_by` in step when an update pins or unpins a message. */
export function syncPin(store: StreamStore, before: MessageRecord, next: MessageRecord, actor: string): void {
  if (next.pinned && !before.pinned) {
    next.pinned_at = store.nowIso();
    next.pinned_by_id = actor;
  }
  if (!next.pinned) {
    delete next.pinned_at;
    delete next.pinned_by_id;
    delete next.pin_expires;
  }
}

/** The channel's pinned messages whose pin has not expired, most recently pinned first. */
export function activePins(store: StreamStore, ch: ChannelRecord): MessageRecord[] {
  const now = store.nowMs();
  return ch.messageIds
    .map((id) => store.messages.get(id))
    .filter((m): m is MessageRecord => Boolean(m && m.pinned && !m.deleted_at && (!m.pin_expires || Date.parse(m.pin_expires) > now)))
    .sort((a, b) => (b.pinned_at ?? '').localeCompare(a.pinned_at ?? ''));
}
