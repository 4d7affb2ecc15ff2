/** Response shapes: what the SDK and SPEC expect, custom fields flattened at top level. */
import type { ChannelRecord, MemberRecord, MessageRecord, ReactionRecord, ReadRecord, UserRecord } from './records.ts';
import { activePins } from './pins.ts';
import type { StreamStore } from './store.ts';

type Json = Record<string, unknown>;

export function userResponse(u: UserRecord): Json {
  return {
    ...u.custom,
    id: u.id,
    role: u.role,
    created_at: u.created_at,
    updated_at: u.updated_at,
    banned: u.banned,
    ...(u.ban_expires ? { ban_expires: u.ban_expires } : {}),
    shadow_banned: u.shadow_banned ?? false,
    online: false,
    teams: [],
    // Required in every UserResponse (SPEC); the emulator has no blocking or invisibility.
    language: typeof u.custom.language === 'string' ? u.custom.language : '',
    blocked_user_ids: [],
    invisible: false,
    ...(u.deleted_at ? { deleted_at: u.deleted_at } : {}),
  };
}

export function userById(store: StreamStore, id: string): Json {
  return userResponse(store.ensureUser(id));
}

export function memberResponse(store: StreamStore, m: MemberRecord): Json {
  const moderator = m.channel_role === 'channel_moderator';
  return {
    user_id: m.user_id,
    user: userById(store, m.user_id),
    channel_role: m.channel_role,
    // The deprecated `role` still comes back from the real API: owner, moderator or member.
    role: m.owner ? 'owner' : moderator ? 'moderator' : 'member',
    is_moderator: moderator,
    created_at: m.created_at,
    updated_at: m.updated_at,
    banned: m.banned,
    ...(m.ban_expires ? { ban_expires: m.ban_expires } : {}),
    shadow_banned: m.shadow_banned,
    notifications_muted: false,
  };
}

export function channelConfig(type: string): Json {
  return {
    name: type,
    typing_events: true,
    read_events: true,
    connect_events: true,
    reactions: true,
    replies: true,
    search: true,
    mutes: true,
    uploads: true,
    url_enrichment: false,
    custom_events: true,
    push_notifications: true,
    max_message_length: 5000,
    message_retention: 'infinite',
    // SPEC-required switches of features the emulator does not implement (all off but quotes).
    delivery_events: false,
    quotes: true,
    reminders: false,
    mark_messages_pending: false,
    polls: false,
    user_message_reminders: false,
    shared_locations: false,
    count_messages: false,
    skip_last_msg_update_for_system_msgs: false,
    automod: 'disabled',
    automod_behavior: 'flag',
    commands: [],
    created_at: '2020-01-01T00:00:00Z',
    updated_at: '2020-01-01T00:00:00Z',
  };
}

export function channelResponse(store: StreamStore, ch: ChannelRecord): Json {
  return {
    ...ch.custom,
    id: ch.id,
    type: ch.type,
    cid: ch.cid,
    created_at: ch.created_at,
    updated_at: ch.updated_at,
    created_by: userById(store, ch.created_by_id),
    frozen: ch.frozen,
    disabled: ch.disabled,
    member_count: ch.members.size,
    config: channelConfig(ch.type),
    own_capabilities: [],
    hidden: false,
    ...(ch.last_message_at ? { last_message_at: ch.last_message_at } : {}),
    ...(ch.truncated_at ? { truncated_at: ch.truncated_at } : {}),
  };
}

export function reactionResponse(store: StreamStore, r: ReactionRecord): Json {
  return { ...r.custom, type: r.type, message_id: r.message_id, user_id: r.user_id, user: userById(store, r.user_id), score: r.score, created_at: r.created_at, updated_at: r.updated_at };
}

/** Stream renders `text` (markdown) into `html` server-side; the emulator does the plain-paragraph case. */
export function renderHtml(text: string): string {
  if (!text) return '';
  const esc = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;');
  return `<p>${esc}</p>\n`;
}

/**
 * A message as the API answers it. `viewer` is the user the answer is for (a user token, or the `user_id`
 * of a server-side query): a shadowed message is `shadowed: true` to everyone but its author (Stream's
 * server-side reads see the flag too), and a message that user deleted "for me" shows as deleted to them only.
 */
export function messageResponse(store: StreamStore, m: MessageRecord, viewer?: string): Json {
  const counts: Record<string, number> = {};
  const scores: Record<string, number> = {};
  for (const r of m.reactions) {
    counts[r.type] = (counts[r.type] ?? 0) + 1;
    scores[r.type] = (scores[r.type] ?? 0) + r.score;
  }
  const deleted = m.deleted_at !== undefined;
  const deletedForViewer = viewer !== undefined && m.deleted_for?.includes(viewer) === true;
  return {
    ...m.custom,
    id: m.id,
    text: m.text,
    html: renderHtml(m.text),
    type: deleted || deletedForViewer ? 'deleted' : m.type,
    ...(deletedForViewer ? { deleted_for_me: true } : {}),
    user: userById(store, m.user_id),
    attachments: m.attachments.map((a) => ({ ...a })),
    latest_reactions: m.reactions.slice(-10).reverse().map((r) => reactionResponse(store, r)),
    own_reactions: [],
    reaction_counts: counts,
    reaction_scores: scores,
    reply_count: m.reply_count,
    deleted_reply_count: 0,
    cid: m.cid,
    created_at: m.created_at,
    updated_at: m.updated_at,
    ...(deleted ? { deleted_at: m.deleted_at } : {}),
    shadowed: m.shadowed === true && viewer !== m.user_id,
    mentioned_users: m.mentioned_users.map((id) => userById(store, id)),
    // Required by SPEC: @here / @channel and per-user visibility are not emulated.
    mentioned_here: false,
    mentioned_channel: false,
    restricted_visibility: [],
    silent: m.silent,
    pinned: m.pinned && (!m.pin_expires || Date.parse(m.pin_expires) > store.nowMs()),
    pinned_at: m.pinned ? m.pinned_at ?? null : null,
    pinned_by: m.pinned && m.pinned_by_id ? userById(store, m.pinned_by_id) : null,
    pin_expires: m.pinned ? m.pin_expires ?? null : null,
    ...(m.parent_id ? { parent_id: m.parent_id, show_in_channel: m.show_in_channel ?? false } : {}),
    ...(m.quoted_message_id ? { quoted_message_id: m.quoted_message_id } : {}),
    ...(m.message_text_updated_at ? { message_text_updated_at: m.message_text_updated_at } : {}),
  };
}

export function readResponse(store: StreamStore, r: ReadRecord): Json {
  return {
    user: userById(store, r.user_id),
    last_read: r.last_read,
    unread_messages: r.unread_messages,
    ...(r.last_read_message_id ? { last_read_message_id: r.last_read_message_id } : {}),
  };
}

/**
 * Messages a channel query shows: top-level ones and replies sent with show_in_channel, after truncation.
 * A user (`viewer`) does not see other users' shadowed messages: only their authors do.
 */
export function visibleMessages(store: StreamStore, ch: ChannelRecord, viewer?: string): MessageRecord[] {
  const out: MessageRecord[] = [];
  for (const id of ch.messageIds) {
    const m = store.messages.get(id);
    if (!m) continue;
    if (m.parent_id && !m.show_in_channel) continue;
    if (m.shadowed && viewer !== undefined && viewer !== m.user_id) continue;
    out.push(m);
  }
  return out;
}

export interface ChannelStateOptions {
  messages?: { limit?: number; id_lt?: string; id_gt?: string; id_lte?: string; id_gte?: string };
  members?: { limit?: number; offset?: number };
  /** The user the answer is for (see messageResponse and visibleMessages). */
  viewer?: string;
}

export function channelState(store: StreamStore, ch: ChannelRecord, opts: ChannelStateOptions = {}): Json {
  let msgs = visibleMessages(store, ch, opts.viewer);
  const q = opts.messages ?? {};
  const idx = (id: string | undefined) => (id === undefined ? -1 : msgs.findIndex((m) => m.id === id));
  if (q.id_lt !== undefined) msgs = msgs.slice(0, Math.max(0, idx(q.id_lt)));
  if (q.id_lte !== undefined) msgs = msgs.slice(0, idx(q.id_lte) + 1);
  if (q.id_gt !== undefined) msgs = msgs.slice(idx(q.id_gt) + 1);
  if (q.id_gte !== undefined) msgs = msgs.slice(Math.max(0, idx(q.id_gte)));
  const limit = q.limit ?? 25;
  msgs = q.id_gt !== undefined || q.id_gte !== undefined ? msgs.slice(0, limit) : msgs.slice(-limit || msgs.length);
  if (limit === 0) msgs = [];
  const members = [...ch.members.values()].slice(opts.members?.offset ?? 0, (opts.members?.offset ?? 0) + (opts.members?.limit ?? 100));
  return {
    channel: channelResponse(store, ch),
    members: members.map((m) => memberResponse(store, m)),
    messages: msgs.map((m) => messageResponse(store, m, opts.viewer)),
    pinned_messages: activePins(store, ch).slice(0, 10).map((m) => messageResponse(store, m, opts.viewer)),
    // Required by SPEC (thread list of the channel); the emulator keeps no thread objects.
    threads: [],
    read: [...ch.reads.values()].map((r) => readResponse(store, r)),
    watcher_count: 0,
    watchers: [],
  };
}
