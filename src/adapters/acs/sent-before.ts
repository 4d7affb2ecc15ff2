/**
 * ACS picks message ids and has no idempotency key on sendMessage, so a run that sent and then stopped
 * before its event was acknowledged (a crash, a handler that threw after sending) would send again when
 * retried. botyard keeps each send's key in the message's metadata (`botyard.sendKey`); a send that may
 * be a repeat (OutgoingMessage `repeatSince`) first looks for that key among the bot's messages since
 * then, and answers the message it finds instead of posting a second one. Only retries pay this list
 * call (1 of ACS's 50 list calls per 10 s per user and thread).
 */
import type { ChatThreadClient } from '@azure/communication-chat';
import { META } from './mentions.ts';
import { userIdOf } from './normalize.ts';

/** ACS allows pages of up to 200. */
const PAGE = 200;
/** A busy thread's scan stops here (then the message is sent: a rare double beats a send never made). */
const MAX_SCANNED = 2000;

/** The id of the message `botId` sent with `sendKey` at or after `since` (epoch ms), deleted or not; undefined when none. */
export async function sentBefore(thread: ChatThreadClient, botId: string, sendKey: string, since: number, signal?: AbortSignal): Promise<string | undefined> {
  let scanned = 0;
  // startTime also matches messages edited or deleted since then: a deleted earlier send still counts as sent.
  for await (const page of thread.listMessages({ maxPageSize: PAGE, startTime: new Date(since), ...(signal ? { abortSignal: signal } : {}) }).byPage()) {
    for (const m of page) {
      if (m.metadata?.[META.sendKey] === sendKey && userIdOf(m.sender) === botId) return m.id;
    }
    scanned += page.length;
    if (scanned >= MAX_SCANNED) return undefined;
  }
  return undefined;
}
