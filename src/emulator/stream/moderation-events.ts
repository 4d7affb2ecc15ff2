/**
 * Moderation event payloads as Stream announces them (SPEC MessageFlaggedEvent, UserFlaggedEvent,
 * UserMutedEvent; reference §3.3): `user` is who acted, the target rides as `message` or `target_user`.
 */
import type { MessageRecord } from './records.ts';
import { messageResponse, userById } from './shapes.ts';
import type { StreamEvent, StreamStore } from './store.ts';

export function flagEvent(
  store: StreamStore,
  type: 'message.flagged' | 'user.flagged',
  byId: string,
  opts: { message?: MessageRecord; targetUserId?: string; reason?: unknown; total: number; at: string },
): StreamEvent {
  const reason = typeof opts.reason === 'string' && opts.reason ? { reason: opts.reason } : {};
  if (type === 'user.flagged') {
    return { type, user: userById(store, byId), target_user: userById(store, opts.targetUserId!), total_flags: opts.total, ...reason, created_at: opts.at };
  }
  const m = opts.message!;
  const [channelType, channelId] = m.cid.split(/:(.*)/s) as [string, string];
  return {
    type,
    cid: m.cid,
    channel_type: channelType,
    channel_id: channelId,
    message_id: m.id,
    message: messageResponse(store, m),
    user: userById(store, byId),
    flag: { target_message_id: m.id, user: userById(store, byId), ...reason, created_at: opts.at, updated_at: opts.at, created_by_automod: false },
    total_flags: opts.total,
    ...reason,
    created_at: opts.at,
  };
}

/** `user.muted` / `user.unmuted`: `user` muted `target_user` (and `target_users` when several). */
export function muteEvent(store: StreamStore, type: 'user.muted' | 'user.unmuted', byId: string, targetIds: string[]): StreamEvent {
  return {
    type,
    user: userById(store, byId),
    target_user: userById(store, targetIds[0]!),
    ...(targetIds.length > 1 ? { target_users: targetIds.map((id) => userById(store, id)) } : {}),
    created_at: store.nowIso(),
  };
}
