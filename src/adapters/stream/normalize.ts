/**
 * Stream webhook payloads → `InboundEvent`s. Custom fields are flat on the wire (reference §1), so
 * "custom" means "every key Stream does not define".
 */
import { createHash } from 'node:crypto';
import type { Attachment, InboundEvent, Message, ModerationDetails, UserRef } from '../adapter.ts';

type Json = Record<string, any>;

const MESSAGE_KEYS = new Set([
  'id', 'text', 'html', 'type', 'user', 'user_id', 'attachments', 'mentioned_users', 'parent_id', 'show_in_channel',
  'quoted_message_id', 'quoted_message', 'silent', 'pinned', 'pinned_at', 'pin_expires', 'pinned_by', 'created_at',
  'updated_at', 'deleted_at', 'latest_reactions', 'own_reactions', 'reaction_counts', 'reaction_scores',
  'reaction_groups', 'reply_count', 'deleted_reply_count', 'cid', 'command', 'args', 'i18n', 'mentioned_groups',
  'message_text_updated_at', 'shadowed', 'restricted_visibility', 'poll_id', 'poll', 'thread_participants', 'channel',
  'image_labels', 'member', 'moderation', 'moderation_details', 'reminder', 'shared_location', 'draft', 'mentioned_channel',
  'mentioned_here', 'mentioned_roles', 'before_message_send_failed', 'deleted_for_me', 'message_text_updated_at',
]);

const CHANNEL_KEYS = new Set([
  'id', 'type', 'cid', 'config', 'created_by', 'created_by_id', 'member_count', 'members', 'created_at', 'updated_at',
  'last_message_at', 'own_capabilities', 'frozen', 'disabled', 'truncated_at', 'deleted_at', 'hidden', 'team',
  'name', 'image', 'auto_translation_enabled', 'auto_translation_language', 'cooldown', 'blocked', 'mute_expires_at',
  'muted', 'truncated_by', 'message_count', 'filter_tags', 'hide_messages_before',
]);

/** Keys of a Stream attachment that map onto botyard's `url`/`thumbUrl`. */
const URL_KEYS = ['image_url', 'asset_url', 'title_link', 'og_scrape_url'] as const;

// This runs for every webhook: optional keys are assigned when present rather than spread in from
// conditional `{ key }` objects (a temporary object and a generic copy each, several µs per event in all).

export function custom(obj: Json | undefined, known: Set<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!obj) return out;
  for (const k of Object.keys(obj)) if (!known.has(k)) out[k] = obj[k];
  return out;
}

export function toUser(u: Json | undefined, botId: string): UserRef {
  if (!u || typeof u.id !== 'string') return { id: '' };
  const user: UserRef = { id: u.id };
  if (typeof u.name === 'string') user.name = u.name;
  if (u.id === botId || u.is_bot === true || u.bot === true || u.role === 'bot') user.isBot = true;
  return user;
}

/** A Stream attachment as botyard's `Attachment`: the first URL key becomes `url`; everything else rides along. */
export function toAttachment(a: Json): Attachment {
  const { type, title, thumb_url, ...rest } = a;
  const out: Attachment = { type: typeof type === 'string' ? type : 'file' };
  for (const key of URL_KEYS) {
    if (typeof rest[key] === 'string') {
      out.url = rest[key];
      delete rest[key];
      break;
    }
  }
  if (typeof thumb_url === 'string') out.thumbUrl = thumb_url;
  if (typeof title === 'string') out.title = title;
  return Object.assign(out, rest);
}

/** botyard's `Attachment` as Stream wants it: images carry `image_url`, everything else `asset_url`. */
export function fromAttachment(a: Attachment): Json {
  const { type, url, thumbUrl, title, ...rest } = a;
  const out: Json = { type, ...rest };
  if (url !== undefined) out[type === 'image' ? 'image_url' : 'asset_url'] = url;
  if (thumbUrl !== undefined) out.thumb_url = thumbUrl;
  if (title !== undefined) out.title = title;
  return out;
}

export function toMessage(m: Json, botId: string): Message {
  const message: Message = {
    id: String(m.id),
    text: typeof m.text === 'string' ? m.text : '',
    user: toUser(m.user, botId),
    attachments: Array.isArray(m.attachments) ? m.attachments.map(toAttachment) : [],
    mentions: Array.isArray(m.mentioned_users) ? m.mentioned_users.map((u: Json | string) => (typeof u === 'string' ? { id: u } : toUser(u, botId))) : [],
    data: custom(m, MESSAGE_KEYS),
  };
  if (typeof m.html === 'string' && m.html) message.html = m.html;
  if (typeof m.parent_id === 'string' && m.parent_id) message.parentId = m.parent_id;
  if (m.created_at) message.createdAt = m.created_at;
  if (m.updated_at) message.updatedAt = m.updated_at;
  if (m.type === 'deleted' || m.deleted_at) message.deleted = true;
  if (m.pinned === true) message.pinned = true;
  if (m.silent === true) message.silent = true;
  if (m.shadowed === true) message.shadowed = true;
  return message;
}

/**
 * The dedupe key. It must be equal for a webhook retry (same bytes, same X-Webhook-Id) and for the
 * same event delivered twice under different webhook ids, yet differ for two genuine changes:
 * - message.new: the message id alone (a message is new once; client ids make sends idempotent);
 * - message.updated: message id + the message's updated_at (two edits have different updated_at);
 * - message.deleted: message id + soft/hard (a soft delete may be followed by a hard one);
 * - reaction.*: message id + reactor + reaction type + the reaction's updated_at;
 * - member.*: cid + member id + the event's created_at (added, removed, added again are three events);
 * - anything else: type + cid + actor + the event's created_at;
 * - no created_at at all: the X-Webhook-Id, else a hash of the body.
 */
export function eventId(p: Json, webhookId: string | undefined, body: Buffer): string {
  const t = String(p.type);
  const m = p.message as Json | undefined;
  if (t === 'message.new' && m?.id) return `stream:message.new:${m.id}`;
  if (t === 'message.updated' && m?.id) return `stream:message.updated:${m.id}:${m.updated_at ?? p.created_at}`;
  if (t === 'message.deleted' && m?.id) return `stream:message.deleted:${m.id}:${p.hard_delete ? 'hard' : 'soft'}`;
  if (t.startsWith('reaction.') && m?.id && p.reaction) {
    const r = p.reaction as Json;
    return `stream:${t}:${m.id}:${r.user_id ?? r.user?.id}:${r.type}:${r.updated_at ?? r.created_at ?? p.created_at}`;
  }
  if (t.startsWith('member.') && p.created_at) return `stream:${t}:${p.cid}:${p.member?.user_id ?? p.user?.id}:${p.created_at}`;
  // Moderation events: one actor may ban, mute or flag several targets at the same instant.
  const target = MODERATION_TARGET[t]?.(p);
  if (target && p.created_at) return `stream:${t}:${p.cid ?? ''}:${p.user?.id ?? ''}:${target}:${p.created_at}`;
  if (p.created_at) return `stream:${t}:${p.cid ?? ''}:${p.user?.id ?? ''}:${p.created_at}`;
  if (webhookId) return `stream:webhook:${webhookId}`;
  return `stream:sha256:${createHash('sha256').update(body).digest('hex')}`;
}

const RENAMED: Record<string, string> = { 'channel.updated': 'conversation.updated' };

/** What a moderation event acts on, for its dedupe key. */
const MODERATION_TARGET: Record<string, (p: Json) => string | undefined> = {
  'message.flagged': (p) => p.message?.id,
  'user.flagged': (p) => p.target_user?.id,
  'user.muted': (p) => p.target_user?.id ?? p.target_users?.map((u: Json) => u.id).join(','),
  'user.unmuted': (p) => p.target_user?.id ?? p.target_users?.map((u: Json) => u.id).join(','),
};

/** `moderation` of a moderation event: target, reason, expiry, shadow, scope, flag count. */
function moderationDetails(p: Json, botId: string): ModerationDetails | undefined {
  const t = p.type as string;
  const banned = t === 'user.banned' || t === 'user.unbanned';
  const targetUser = banned ? p.user : t === 'user.muted' || t === 'user.unmuted' ? p.target_user ?? p.target_users?.[0] : t === 'user.flagged' ? p.target_user : undefined;
  if (!targetUser && t !== 'message.flagged') return undefined;
  const reason = p.reason ?? p.flag?.reason;
  return {
    ...(targetUser ? { target: toUser(targetUser, botId) } : {}),
    ...(typeof reason === 'string' && reason ? { reason } : {}),
    ...(typeof p.expiration === 'string' ? { expiresAt: p.expiration } : {}),
    ...(banned ? { shadow: p.shadow === true, global: !p.cid } : {}),
    ...(typeof p.total_flags === 'number' ? { totalFlags: p.total_flags } : {}),
  };
}

/** Normalizes one webhook payload. Types botyard does not model pass through with their Stream name. */
export function normalize(p: Json, ctx: { botId: string; webhookId?: string; body: Buffer }): InboundEvent {
  const type = RENAMED[p.type] ?? p.type;
  const cid: string = p.cid ?? p.channel?.cid ?? (p.channel_type && p.channel_id ? `${p.channel_type}:${p.channel_id}` : p.message?.cid ?? '');
  const channelName = typeof p.channel?.name === 'string' ? p.channel.name : undefined;
  const actor = p.type === 'user.banned' || p.type === 'user.unbanned' ? p.created_by ?? p.user : p.reaction?.user ?? p.member?.user ?? p.user ?? p.message?.user;
  const conversation: InboundEvent['conversation'] = { platform: 'stream', id: cid };
  if (channelName) conversation.name = channelName;
  const event: InboundEvent = {
    id: eventId(p, ctx.webhookId, ctx.body),
    type,
    platform: 'stream',
    conversation,
    sender: toUser(actor, ctx.botId),
    occurredAt: typeof p.created_at === 'string' ? p.created_at : new Date().toISOString(),
    raw: p,
  };
  if (ctx.webhookId) event.deliveryId = ctx.webhookId;
  if (p.message && typeof p.message === 'object' && p.message.id) event.message = toMessage(p.message, ctx.botId);
  if (p.member?.user_id || p.member?.user) event.member = toUser(p.member.user ?? { id: p.member.user_id }, ctx.botId);
  if (p.type === 'user.banned' || p.type === 'user.unbanned') event.member = toUser(p.user, ctx.botId);
  const moderation = moderationDetails(p, ctx.botId);
  if (moderation) event.moderation = moderation;
  if (p.reaction?.type) event.reaction = { type: p.reaction.type, messageId: String(p.reaction.message_id ?? p.message?.id ?? '') };
  if (p.type === 'channel.updated' && p.channel) {
    const data = custom(p.channel, CHANNEL_KEYS);
    const topic = typeof data.topic === 'string' ? data.topic : undefined;
    event.changes = { ...(channelName ? { name: channelName } : {}), ...(topic ? { topic } : {}), data: { ...data, ...(p.channel.image ? { image: p.channel.image } : {}) } };
  }
  return event;
}
