/** Ban and unban (global, or channel-scoped via `type`+`id` or `channel_cid`), and flag. */
import { syncBanFlags } from '../ban-rules.ts';
import { inputError } from '../errors.ts';
import { banEvent } from '../events.ts';
import { flagEvent } from '../moderation-events.ts';
import type { Json, Route } from '../http.ts';
import type { ChannelRecord } from '../records.ts';
import { userById } from '../shapes.ts';
import type { StreamStore } from '../store.ts';

/** The channel a ban targets: the SDK sends `type`+`id`, SPEC documents `channel_cid`; both work. */
function scope(store: StreamStore, src: { type?: unknown; id?: unknown; channel_cid?: unknown }): ChannelRecord | undefined {
  if (typeof src.channel_cid === 'string' && src.channel_cid) {
    const [type, id] = src.channel_cid.split(/:(.*)/s) as [string, string];
    return store.channel(type, id);
  }
  if (typeof src.type === 'string' && typeof src.id === 'string') return store.channel(src.type, src.id);
  return undefined;
}

export const moderationRoutes: Route[] = [
  {
    method: 'POST',
    path: '/moderation/ban',
    op: 'Ban',
    handler: ({ body, store, auth }) => {
      const target = body.target_user_id;
      if (typeof target !== 'string' || !target) throw inputError('target_user_id is a required field');
      const byId = typeof body.banned_by_id === 'string' ? body.banned_by_id : body.banned_by?.id ?? (auth.kind === 'user' ? auth.userId : undefined);
      if (!byId && auth.kind === 'server') throw inputError('either banned_by or banned_by_id must be provided when using server side auth.');
      store.ensureUser(target);
      const ch = scope(store, body);
      const at = store.nowIso();
      const expires = typeof body.timeout === 'number' ? new Date(Date.parse(at) + body.timeout * 60_000).toISOString() : undefined;
      const idx = store.bans.findIndex((b) => b.target_user_id === target && b.cid === ch?.cid);
      if (idx >= 0) store.bans.splice(idx, 1);
      store.bans.push({
        target_user_id: target,
        banned_by_id: byId,
        ...(ch ? { cid: ch.cid } : {}),
        ...(typeof body.reason === 'string' ? { reason: body.reason } : {}),
        ...(expires ? { expires } : {}),
        shadow: body.shadow === true,
        created_at: at,
      });
      syncBanFlags(store, target);
      store.announce(banEvent(store, 'user.banned', target, { byId, ch, reason: body.reason, expiration: expires, shadow: body.shadow === true }));
      return {};
    },
  },
  {
    method: 'DELETE',
    path: '/moderation/ban',
    op: 'Unban',
    handler: ({ query, store }) => {
      const target = query.get('target_user_id');
      if (!target) throw inputError('target_user_id is a required field');
      const ch = scope(store, { type: query.get('type') ?? undefined, id: query.get('id') ?? undefined, channel_cid: query.get('channel_cid') ?? undefined });
      const before = store.bans.length;
      for (let i = store.bans.length - 1; i >= 0; i--) {
        if (store.bans[i]!.target_user_id === target && store.bans[i]!.cid === ch?.cid) store.bans.splice(i, 1);
      }
      syncBanFlags(store, target);
      if (store.bans.length !== before) store.announce(banEvent(store, 'user.unbanned', target, { ch }));
      return {};
    },
  },
  {
    method: 'POST',
    path: '/moderation/flag',
    op: 'Flag',
    handler: ({ body, store, auth }) => {
      const userId = typeof body.user_id === 'string' ? body.user_id : auth.kind === 'user' ? auth.userId : undefined;
      if (!userId) throw inputError('either user or user_id must be provided when using server side auth.');
      const at = store.nowIso();
      if (typeof body.target_message_id === 'string') {
        const m = store.message(body.target_message_id);
        store.flags.push({ target_message_id: m.id, user_id: userId, reason: body.reason, created_at: at });
        const total = store.flags.filter((f) => f.target_message_id === m.id).length;
        store.announce(flagEvent(store, 'message.flagged', userId, { message: m, reason: body.reason, total, at }));
      } else if (typeof body.target_user_id === 'string') {
        store.ensureUser(body.target_user_id);
        store.flags.push({ target_user_id: body.target_user_id, user_id: userId, reason: body.reason, created_at: at });
        const total = store.flags.filter((f) => f.target_user_id === body.target_user_id).length;
        store.announce(flagEvent(store, 'user.flagged', userId, { targetUserId: body.target_user_id, reason: body.reason, total, at }));
      } else {
        throw inputError('either target_message_id or target_user_id must be provided');
      }
      const flag: Json = { target_message_id: body.target_message_id, target_user_id: body.target_user_id, user: userById(store, userId), reason: body.reason, created_at: at, updated_at: at, created_by_automod: false };
      return { flag, review_queue_item_id: store.newId() };
    },
  },
];
