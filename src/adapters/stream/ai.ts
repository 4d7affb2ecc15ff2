/**
 * Stream's AI verbs for the adapter: the AI indicator and message history.
 *
 * Indicator events are channel events sent as the bot (server-side calls must name the acting user,
 * which stream-chat's `updateAIState` / `clearAIIndicator` helpers do not, so `sendEvent` is used with
 * the same fields): `ai_indicator.update` with `ai_state`, `message_id` and optionally `ai_message`;
 * `ai_indicator.clear` with the `message_id` too (Stream's own agent samples send it; clients key on cid).
 *
 * History reads the channel (`query` with `messages: { limit, id_lt }`: the newest page, oldest first)
 * or a thread (`getReplies` with the same paging, then the parent) in pages of 100.
 */
import type { Channel, StreamChat } from 'stream-chat';
import type { AiIndicatorUpdate, HistoryQuery, Message } from '../adapter.ts';
import { toMessage } from './normalize.ts';

type Loose = any;
type Json = Record<string, any>;

const PAGE = 100;
const MAX_PAGES = 5;
const live = (m: Json) => m.type !== 'deleted' && !m.deleted_at;
export async function sendAiIndicator(channel: Channel, botId: string, update: AiIndicatorUpdate): Promise<void> {
  const event =
    update.state === 'clear'
      ? { type: 'ai_indicator.clear', message_id: update.messageId, user_id: botId }
      : { type: 'ai_indicator.update', ai_state: update.state, message_id: update.messageId, ...(update.message ? { ai_message: update.message } : {}), user_id: botId };
  await channel.sendEvent(event as Loose);
}

/**
 * Reads pages going back from `before` until `limit` live (not deleted) messages or the start; returns
 * the newest `limit` live ones, oldest first. Deleted messages cost a little more reading, never more
 * than MAX_PAGES pages.
 */
async function pagesBack(
  limit: number,
  before: string | undefined,
  signal: AbortSignal | undefined,
  read: (want: number, idLt: string | undefined) => Promise<Json[]>,
): Promise<{ messages: Json[]; reachedStart: boolean }> {
  const messages: Json[] = [];
  let idLt = before;
  for (let pages = 0; pages < MAX_PAGES; pages++) {
    // stream-chat takes no abort signal: a page under way finishes, the next is never asked for.
    signal?.throwIfAborted();
    const want = Math.min(PAGE, limit - messages.length);
    const page = await read(want, idLt);
    messages.unshift(...page.filter(live));
    if (page.length < want || !page[0]) return { messages, reachedStart: true };
    if (messages.length >= limit) break;
    idLt = page[0].id;
  }
  return { messages: messages.slice(-limit), reachedStart: false };
}

export async function readStreamHistory(client: StreamChat, channel: Channel, botId: string, query: HistoryQuery): Promise<Message[]> {
  if (!query.thread) {
    const { messages } = await pagesBack(query.limit, query.before, query.signal, async (limit, idLt) => {
      const res = await channel.query({ state: true, watch: false, presence: false, messages: { limit, ...(idLt ? { id_lt: idLt } : {}) } } as Loose);
      return (res.messages ?? []) as Json[];
    });
    return messages.map((m) => toMessage(m, botId));
  }
  const parentId = query.thread;
  if (query.before === parentId) return [];
  const { messages, reachedStart } = await pagesBack(query.limit, query.before, query.signal, async (limit, idLt) => {
    const res = await channel.getReplies(parentId, { limit, ...(idLt ? { id_lt: idLt } : {}) });
    return (res.messages ?? []) as Json[];
  });
  // The parent opens the thread: it belongs in front once paging reached the first reply.
  if (reachedStart && messages.length < query.limit) {
    query.signal?.throwIfAborted();
    const { message: parent } = await client.getMessage(parentId);
    if (parent && live(parent as Json)) messages.unshift(parent as Json);
  }
  return messages.map((m) => toMessage(m, botId));
}
