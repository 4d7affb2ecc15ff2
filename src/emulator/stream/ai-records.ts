/**
 * What the emulator remembers of AI replies, read from its own change feed: the indicator events of
 * each channel (`ai_indicator.update` / `.clear` from the bot, `.stop` from users' clients), the
 * indicator a client would show now, and every text each message had (the partial updates of a
 * streamed reply). Made for tests and the dev console; bounded so a long session cannot grow it forever.
 */
import type { StreamEvent, StreamStore } from './store.ts';

export interface AiIndicatorRecord {
  type: 'ai_indicator.update' | 'ai_indicator.clear' | 'ai_indicator.stop';
  cid: string;
  userId: string;
  at: string;
  messageId?: string;
  state?: string;
  message?: string;
}

export interface MessageRevision {
  text: string;
  at: string;
  /** Who sent or updated it. */
  by: string;
}

export interface StreamAiView {
  /** A channel's indicator events, oldest first. */
  indicatorEvents(cid: string): AiIndicatorRecord[];
  /** The indicator a client would show now: the last update not cleared (a stop does not clear it; the bot does). */
  indicator(cid: string): AiIndicatorRecord | undefined;
  /** Every text the message had: as sent, then after each update. */
  revisions(messageId: string): MessageRevision[];
}

const MAX_EVENTS_PER_CHANNEL = 2000;
const MAX_REVISIONS_PER_MESSAGE = 1000;
const MAX_MESSAGES_TRACKED = 20_000;
const INDICATOR_TYPES = new Set(['ai_indicator.update', 'ai_indicator.clear', 'ai_indicator.stop']);

const cap = <T>(list: T[], max: number) => {
  if (list.length > max) list.splice(0, list.length - max);
};

export function recordAi(store: StreamStore): StreamAiView {
  const events = new Map<string, AiIndicatorRecord[]>();
  const current = new Map<string, AiIndicatorRecord>();
  const revisions = new Map<string, MessageRevision[]>();

  store.feed.on('event', (e: StreamEvent) => {
    const userId = String((e.user as { id?: unknown } | undefined)?.id ?? '');
    if (INDICATOR_TYPES.has(e.type) && e.cid) {
      const record: AiIndicatorRecord = {
        type: e.type as AiIndicatorRecord['type'],
        cid: e.cid,
        userId,
        at: e.created_at,
        ...(typeof e.message_id === 'string' ? { messageId: e.message_id } : {}),
        ...(typeof e.ai_state === 'string' ? { state: e.ai_state } : {}),
        ...(typeof e.ai_message === 'string' ? { message: e.ai_message } : {}),
      };
      let list = events.get(e.cid);
      if (!list) events.set(e.cid, (list = []));
      list.push(record);
      cap(list, MAX_EVENTS_PER_CHANNEL);
      if (e.type === 'ai_indicator.update') current.set(e.cid, record);
      if (e.type === 'ai_indicator.clear') current.delete(e.cid);
      return;
    }
    if (e.type !== 'message.new' && e.type !== 'message.updated') return;
    const m = e.message as { id?: string; text?: string } | undefined;
    if (!m?.id) return;
    let list = revisions.get(m.id);
    if (!list) {
      if (revisions.size >= MAX_MESSAGES_TRACKED) revisions.delete(revisions.keys().next().value!);
      revisions.set(m.id, (list = []));
    }
    list.push({ text: m.text ?? '', at: e.created_at, by: userId });
    cap(list, MAX_REVISIONS_PER_MESSAGE);
  });

  return {
    indicatorEvents: (cid) => (events.get(cid) ?? []).map((r) => ({ ...r })),
    indicator: (cid) => {
      const r = current.get(cid);
      return r ? { ...r } : undefined;
    },
    revisions: (id) => (revisions.get(id) ?? []).map((r) => ({ ...r })),
  };
}
