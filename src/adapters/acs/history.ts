/**
 * `history` on ACS: `listMessages` pages, newest first, read until `limit` messages are picked or a
 * bounded scan ends (system messages, deleted ones and other threads' replies are skipped, so a scan
 * may read more than `limit`; it never reads more than MAX_SCANNED). ACS has no threads: every message
 * shows in the conversation, so the conversation's history is all of them; a "thread" is a parent and
 * the messages that name it in metadata (`botyard.parentId`).
 */
import type { ChatThreadClient } from '@azure/communication-chat';
import type { HistoryQuery, Message, UserRef } from '../adapter.ts';
import { toMessage } from './normalize.ts';

/** ACS allows pages of up to 200; list calls cost 1 of 50 per 10 s per user and thread. */
const PAGE = 100;
const MAX_SCANNED = 1000;

export async function readAcsHistory(thread: ChatThreadClient, bot: UserRef, query: HistoryQuery): Promise<Message[]> {
  const picked: Message[] = [];
  let beforeSeen = query.before === undefined;
  let scanned = 0;
  // The Azure SDK gives up a page under way at the abort; the check stops the scan between pages too.
  for await (const page of thread.listMessages({ maxPageSize: PAGE, ...(query.signal ? { abortSignal: query.signal } : {}) }).byPage()) {
    query.signal?.throwIfAborted();
    for (const m of page) {
      if (!beforeSeen) {
        beforeSeen = m.id === query.before;
        continue;
      }
      if ((m.type !== 'text' && m.type !== 'html') || m.deletedOn) continue;
      const message = toMessage(m, bot);
      if (query.thread && message.id !== query.thread && message.parentId !== query.thread) continue;
      picked.push(message);
      // A thread's parent is older than all its replies: nothing of the thread lies further back.
      if (picked.length >= query.limit || message.id === query.thread) return picked.reverse();
    }
    scanned += page.length;
    if (scanned >= MAX_SCANNED) break;
  }
  return picked.reverse();
}
