/** `history` on the local platform: the same rules as the real adapters, read from memory. */
import type { HistoryQuery, Message } from '../adapter.ts';
import type { LocalConversation } from './local-state.ts';

/** The newest `limit` live messages (of one thread: its parent first, then replies), oldest first. */
export function localHistory(conversation: LocalConversation, query: HistoryQuery): Message[] {
  const live = conversation.messages.filter((m) => !m.deleted);
  let picked = query.thread ? live.filter((m) => m.id === query.thread || m.parentId === query.thread) : live.filter((m) => !m.parentId);
  if (query.before) {
    const at = picked.findIndex((m) => m.id === query.before);
    picked = at < 0 ? [] : picked.slice(0, at);
  }
  return picked.slice(-query.limit).map(({ reactions: _reactions, ...message }) => structuredClone(message));
}
