/** Messages: send (client ids kept, duplicates refused), get, update, partial update, delete, replies. */
import { inputError, notFound, StreamApiError } from '../errors.ts';
import { messageNew, messageUpdated } from '../events.ts';
import { actingUser, type Json, type Route } from '../http.ts';
import { MESSAGE_RESERVED, splitCustom, type ChannelRecord, type MessageRecord } from '../records.ts';
import { channelResponse, messageResponse } from '../shapes.ts';
import type { StreamStore } from '../store.ts';
import { screen } from '../before-send.ts';
import { syncPin } from '../pins.ts';
import { refuseBannedSender } from '../ban-rules.ts';

const MAX_TEXT = 5000;

function mentionIds(list: unknown): string[] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw inputError('message.mentioned_users must be a list of user ids');
  return list.map((m) => (typeof m === 'string' ? m : String((m as { id?: unknown })?.id ?? '')));
}

function attachments(list: unknown): Json[] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw inputError('message.attachments must be a list');
  return list.map((a) => ({ ...(a as Json) }));
}

function checkText(text: unknown): string {
  const t = typeof text === 'string' ? text : '';
  if (t.length > MAX_TEXT) throw new StreamApiError({ code: 20, status: 400 }, `message is too long (${t.length} > ${MAX_TEXT} characters)`);
  return t;
}

/** Creates a message in `ch` as `userId`; announces `message.new` unless told not to. */
export function createMessage(store: StreamStore, ch: ChannelRecord, input: Json, userId: string, opts: { announce?: boolean } = {}): MessageRecord {
  if (input.created_at !== undefined) throw inputError('message.created_at is a reserved field');
  const id = typeof input.id === 'string' && input.id ? input.id : store.newId();
  if (store.messages.has(id)) throw inputError(`a message with ID ${id} already exists`);
  const parentId = typeof input.parent_id === 'string' && input.parent_id ? input.parent_id : undefined;
  const parent = parentId ? store.messages.get(parentId) : undefined;
  if (parentId && (!parent || parent.cid !== ch.cid)) throw inputError(`parent message ${parentId} does not exist in channel ${ch.cid}`);
  if (parent?.parent_id) throw new StreamApiError({ code: 21, status: 400 }, 'parent_id cannot point to a reply: threads have one level');
  store.ensureUser(userId);
  const mentions = mentionIds(input.mentioned_users);
  for (const m of mentions) store.ensureUser(m);
  const at = store.nowIso();
  const msg: MessageRecord = {
    id,
    cid: ch.cid,
    text: checkText(input.text),
    type: input.type === 'system' ? 'system' : parentId ? 'reply' : 'regular',
    user_id: userId,
    attachments: attachments(input.attachments),
    mentioned_users: mentions,
    ...(parentId ? { parent_id: parentId, show_in_channel: input.show_in_channel === true } : {}),
    ...(typeof input.quoted_message_id === 'string' ? { quoted_message_id: input.quoted_message_id } : {}),
    silent: input.silent === true,
    pinned: input.pinned === true,
    ...(input.pinned === true ? { pinned_at: at, pinned_by_id: userId } : {}),
    ...(store.isShadowBanned(userId, ch.cid) ? { shadowed: true } : {}),
    created_at: at,
    updated_at: at,
    reply_count: 0,
    reactions: [],
    custom: splitCustom(input, MESSAGE_RESERVED),
  };
  store.messages.set(id, msg);
  ch.messageIds.push(id);
  if (parent) parent.reply_count += 1;
  if (!parentId || msg.show_in_channel) {
    ch.last_message_at = at;
    // Silent messages raise nobody's unread count.
    if (!msg.silent) for (const r of ch.reads.values()) if (r.user_id !== userId) r.unread_messages += 1;
  }
  if (opts.announce !== false) store.announce(messageNew(store, ch, msg));
  return msg;
}

export function channelOf(store: StreamStore, m: MessageRecord): ChannelRecord {
  const ch = store.channels.get(m.cid);
  if (!ch) throw notFound(`channel ${m.cid} does not exist`);
  return ch;
}

function applyFields(m: MessageRecord, set: Json): void {
  for (const [k, v] of Object.entries(set)) {
    if (k === 'text') m.text = checkText(v);
    else if (k === 'attachments') m.attachments = attachments(v);
    else if (k === 'mentioned_users') m.mentioned_users = mentionIds(v);
    else if (k === 'pinned') m.pinned = v === true;
    else if (k === 'pin_expires') m.pin_expires = typeof v === 'string' ? v : undefined;
    else if (k === 'silent') { if (v !== m.silent) throw inputError('message.silent field cannot be updated'); }
    else if (!MESSAGE_RESERVED.has(k)) m.custom[k] = v;
  }
}

function touch(store: StreamStore, m: MessageRecord, oldText: string): void {
  m.updated_at = store.nowIso();
  if (m.text !== oldText) m.message_text_updated_at = m.updated_at;
}

/** Applies an edited copy to the stored message, announces message.updated and answers as the API does. */
function commitUpdate(store: StreamStore, m: MessageRecord, next: MessageRecord, actor: Parameters<typeof messageUpdated>[3], oldText: string) {
  syncPin(store, m, next, actor);
  const before = { ...m };
  Object.assign(m, next);
  touch(store, m, oldText);
  store.announce(messageUpdated(store, channelOf(store, m), m, actor, oldText, before));
  return { message: messageResponse(store, m) };
}

export const messageRoutes: Route[] = [
  {
    method: 'POST',
    path: '/channels/:type/:id/message',
    op: 'SendMessage',
    handler: async ({ params, body, store, auth, op }) => {
      const ch = store.channel(params.type!, params.id!);
      const input = body.message as Json | undefined;
      if (!input || typeof input !== 'object') throw inputError('message is a required field');
      const userId = actingUser(auth, 'message.', input, op);
      // A refused sender never reaches the before-send hook: permissions come first.
      refuseBannedSender(store, ch, userId);
      const screened = await screen(store, ch, input, userId);
      if (screened.rejected) return { message: screened.rejected };
      return { message: messageResponse(store, createMessage(store, ch, screened.input, userId), userId) };
    },
  },
  {
    method: 'GET',
    path: '/messages/:id',
    op: 'GetMessage',
    handler: ({ params, query, store, auth }) => {
      const m = store.message(params.id!);
      const viewer = auth.kind === 'user' ? auth.userId : undefined;
      if (m.deleted_at && query.get('show_deleted_message') !== 'true') {
        return { message: { ...messageResponse(store, m, viewer), text: '', html: '', attachments: [], channel: channelResponse(store, channelOf(store, m)) } };
      }
      return { message: { ...messageResponse(store, m, viewer), channel: channelResponse(store, channelOf(store, m)) } };
    },
  },
  {
    method: 'POST',
    path: '/messages/:id',
    op: 'UpdateMessage',
    handler: async ({ params, body, store, auth, op }) => {
      const m = store.message(params.id!);
      const actor = actingUser(auth, 'message.', (body.message ?? {}) as Json, op);
      // Stream asks the before-send hook about full updates too.
      const screened = await screen(store, channelOf(store, m), (body.message ?? {}) as Json, actor, m);
      if (screened.rejected) return { message: screened.rejected };
      const input = screened.input;
      const oldText = m.text;
      // A full update replaces text, attachments, mentions and custom data.
      const next: MessageRecord = { ...m, custom: {}, attachments: [], mentioned_users: [] };
      applyFields(next, { text: input.text ?? '', ...input });
      return commitUpdate(store, m, next, actor, oldText);
    },
  },
  {
    method: 'PUT',
    path: '/messages/:id',
    op: 'UpdateMessagePartial',
    handler: ({ params, body, store, auth, op }) => {
      const m = store.message(params.id!);
      const actor = actingUser(auth, '', { user_id: body.user_id, user: body.user }, op);
      const oldText = m.text;
      const next: MessageRecord = { ...m, custom: { ...m.custom } };
      applyFields(next, (body.set ?? {}) as Json);
      for (const k of (body.unset ?? []) as string[]) delete next.custom[k];
      return commitUpdate(store, m, next, actor, oldText);
    },
  },
  {
    method: 'GET',
    path: '/messages/:id/replies',
    op: 'GetReplies',
    handler: ({ params, query, store }) => {
      const parent = store.message(params.id!);
      const ch = channelOf(store, parent);
      const limit = Number(query.get('limit') ?? 100);
      let replies = ch.messageIds.map((id) => store.messages.get(id)!).filter((r) => r?.parent_id === parent.id);
      // Paging back, as clients load older replies: only those before `id_lt`.
      const before = query.get('id_lt');
      if (before) replies = replies.slice(0, Math.max(0, replies.findIndex((r) => r.id === before)));
      return { messages: replies.slice(-limit).map((r) => messageResponse(store, r)) };
    },
  },
];
