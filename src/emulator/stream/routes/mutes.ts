/**
 * `POST /moderation/mute` and `/moderation/unmute`: a user mutes others for themselves (Stream's mutes
 * are per user), optionally for `timeout` minutes; announced as `user.muted` / `user.unmuted`.
 */
import { inputError } from '../errors.ts';
import { actingUser, type Json, type Route } from '../http.ts';
import { muteEvent } from '../moderation-events.ts';
import { activeMutes, muteResponse } from '../moderation-shapes.ts';
import { userResponse } from '../shapes.ts';
import type { StreamStore } from '../store.ts';

function targets(body: Json): string[] {
  const list = Array.isArray(body.target_ids) ? body.target_ids : typeof body.target_id === 'string' ? [body.target_id] : [];
  if (!list.length || list.some((t: unknown) => typeof t !== 'string' || !t)) throw inputError('target_id or target_ids is a required field');
  return list as string[];
}

function ownUser(store: StreamStore, userId: string): Json {
  return { ...userResponse(store.ensureUser(userId)), mutes: activeMutes(store, userId).map((m) => muteResponse(store, m)) };
}

export const muteRoutes: Route[] = [
  {
    method: 'POST',
    path: '/moderation/mute',
    op: 'MuteUser',
    handler: ({ body, store, auth, op }) => {
      const userId = actingUser(auth, '', body as Json, op);
      const ids = targets(body as Json);
      if (body.timeout !== undefined && (typeof body.timeout !== 'number' || body.timeout < 0)) throw inputError('timeout must be a number of minutes');
      const at = store.nowIso();
      const expires = typeof body.timeout === 'number' && body.timeout > 0 ? new Date(Date.parse(at) + body.timeout * 60_000).toISOString() : undefined;
      for (const target of ids) {
        store.ensureUser(target);
        const existing = store.mutes.find((m) => m.user_id === userId && m.target_id === target);
        if (existing) {
          existing.updated_at = at;
          if (expires) existing.expires = expires;
          else delete existing.expires;
        } else {
          store.mutes.push({ user_id: userId, target_id: target, created_at: at, updated_at: at, ...(expires ? { expires } : {}) });
        }
      }
      store.announce(muteEvent(store, 'user.muted', userId, ids));
      const mutes = store.mutes.filter((m) => m.user_id === userId && ids.includes(m.target_id)).map((m) => muteResponse(store, m));
      return { ...(ids.length === 1 ? { mute: mutes[0] } : { mutes }), own_user: ownUser(store, userId) };
    },
  },
  {
    method: 'POST',
    path: '/moderation/unmute',
    op: 'UnmuteUser',
    handler: ({ body, store, auth, op }) => {
      const userId = actingUser(auth, '', body as Json, op);
      const ids = targets(body as Json);
      for (let i = store.mutes.length - 1; i >= 0; i--) {
        const m = store.mutes[i]!;
        if (m.user_id === userId && ids.includes(m.target_id)) store.mutes.splice(i, 1);
      }
      store.announce(muteEvent(store, 'user.unmuted', userId, ids));
      return {};
    },
  },
];
