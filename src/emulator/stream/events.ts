/** Event payloads as the real service announces them (reference §3.3), built from records. */
import type { ChannelRecord, MemberRecord, MessageRecord, ReactionRecord } from './records.ts';
import type { StreamEvent, StreamStore } from './store.ts';
import { channelResponse, memberResponse, messageResponse, reactionResponse, userById } from './shapes.ts';

const REQUEST_INFO = { type: 'server', ip: '127.0.0.1', user_agent: 'stream-chat-js', sdk: 'stream-chat-js' };

function channelFields(ch: ChannelRecord) {
  // channel_custom: the channel's custom data, which SPEC lists on every channel-scoped event.
  return { cid: ch.cid, channel_type: ch.type, channel_id: ch.id, channel_custom: { ...ch.custom } };
}

/** The channel object and counts SPEC requires on member and reaction events. */
function channelObject(store: StreamStore, ch: ChannelRecord) {
  return { channel: channelResponse(store, ch), channel_member_count: ch.members.size, channel_message_count: ch.messageIds.length };
}

/** Members ride along on message and channel events, truncated to 50 as Stream does. */
function members(store: StreamStore, ch: ChannelRecord) {
  return [...ch.members.values()].slice(0, 50).map((m) => memberResponse(store, m));
}

export function messageNew(store: StreamStore, ch: ChannelRecord, m: MessageRecord): StreamEvent {
  const event: StreamEvent = {
    type: 'message.new',
    ...channelFields(ch),
    message_id: m.id,
    message: messageResponse(store, m),
    user: userById(store, m.user_id),
    members: members(store, ch),
    channel_member_count: ch.members.size,
    channel_message_count: ch.messageIds.length,
    watcher_count: 0,
    created_at: store.nowIso(),
    request_info: REQUEST_INFO,
  };
  if (m.parent_id) {
    const participants = new Set<string>();
    const parent = store.messages.get(m.parent_id);
    if (parent) participants.add(parent.user_id);
    for (const id of ch.messageIds) {
      const r = store.messages.get(id);
      if (r?.parent_id === m.parent_id) participants.add(r.user_id);
    }
    event.thread_participants = [...participants].map((id) => userById(store, id));
    if (parent) event.parent_author = parent.user_id;
  }
  return event;
}

/** What an edit changed, as SPEC's MessageChangeSet lists it (every key present). */
function changeSet(m: MessageRecord, oldText: string, before?: MessageRecord): Record<string, boolean> {
  const differs = (a: unknown, b: unknown) => JSON.stringify(a) !== JSON.stringify(b);
  return {
    text: m.text !== oldText,
    html: m.text !== oldText,
    mml: false,
    custom: before ? differs(before.custom, m.custom) : false,
    attachments: before ? differs(before.attachments, m.attachments) : false,
    mentioned_user_ids: before ? differs(before.mentioned_users, m.mentioned_users) : false,
    quoted_message_id: before ? before.quoted_message_id !== m.quoted_message_id : false,
    silent: before ? before.silent !== m.silent : false,
    pin: before ? before.pinned !== m.pinned : false,
  };
}

/** `before`: the message as it was, so the change set can tell what else than the text changed. */
export function messageUpdated(store: StreamStore, ch: ChannelRecord, m: MessageRecord, actorId: string, oldText: string, before?: MessageRecord): StreamEvent {
  return {
    type: 'message.updated',
    ...channelFields(ch),
    message_id: m.id,
    message: messageResponse(store, m),
    user: userById(store, actorId),
    members: members(store, ch),
    message_update: { old_text: oldText, change_set: changeSet(m, oldText, before) },
    created_at: store.nowIso(),
    request_info: REQUEST_INFO,
  };
}

export function messageDeleted(store: StreamStore, ch: ChannelRecord, m: MessageRecord, hard: boolean): StreamEvent {
  return {
    type: 'message.deleted',
    ...channelFields(ch),
    message_id: m.id,
    message: messageResponse(store, m),
    user: userById(store, m.user_id),
    hard_delete: hard,
    created_at: store.nowIso(),
  };
}

export function memberEvent(store: StreamStore, type: 'member.added' | 'member.removed' | 'member.updated', ch: ChannelRecord, m: MemberRecord): StreamEvent {
  return { type, ...channelFields(ch), ...channelObject(store, ch), member: memberResponse(store, m), user: userById(store, m.user_id), created_at: store.nowIso() };
}

export function channelEvent(
  store: StreamStore,
  type: 'channel.created' | 'channel.updated' | 'channel.deleted' | 'channel.truncated',
  ch: ChannelRecord,
  extra: { actorId?: string; message?: MessageRecord } = {},
): StreamEvent {
  return {
    type,
    ...channelFields(ch),
    channel: { ...channelResponse(store, ch), members: members(store, ch) },
    ...(extra.actorId ? { user: userById(store, extra.actorId) } : {}),
    ...(extra.message ? { message: messageResponse(store, extra.message) } : {}),
    members: members(store, ch),
    created_at: store.nowIso(),
    request_info: REQUEST_INFO,
  };
}

export function reactionEvent(store: StreamStore, type: 'reaction.new' | 'reaction.updated' | 'reaction.deleted', ch: ChannelRecord, m: MessageRecord, r: ReactionRecord): StreamEvent {
  return {
    type,
    ...channelFields(ch),
    ...channelObject(store, ch),
    message_id: m.id,
    message: messageResponse(store, m),
    reaction: reactionResponse(store, r),
    user: userById(store, r.user_id),
    created_at: store.nowIso(),
  };
}

export function messageRead(store: StreamStore, ch: ChannelRecord, userId: string, lastReadMessageId?: string): StreamEvent {
  const read = ch.reads.get(userId);
  return {
    type: 'message.read',
    ...channelFields(ch),
    user: { ...userById(store, userId), channel_unread_count: 0, channel_last_read_at: read?.last_read, total_unread_count: 0, unread_channels: 0 },
    ...(lastReadMessageId ? { last_read_message_id: lastReadMessageId } : {}),
    created_at: store.nowIso(),
  };
}

/** `user.banned` / `user.unbanned`: `user` is the target, `created_by` the moderator. */
export function banEvent(
  store: StreamStore,
  type: 'user.banned' | 'user.unbanned',
  targetId: string,
  opts: { byId?: string; ch?: ChannelRecord; reason?: string; expiration?: string; shadow?: boolean },
): StreamEvent {
  return {
    type,
    ...(opts.ch ? channelFields(opts.ch) : {}),
    user: userById(store, targetId),
    ...(opts.byId ? { created_by: userById(store, opts.byId) } : {}),
    ...(opts.reason ? { reason: opts.reason } : {}),
    ...(opts.expiration ? { expiration: opts.expiration } : {}),
    shadow: opts.shadow ?? false,
    created_at: store.nowIso(),
  };
}
