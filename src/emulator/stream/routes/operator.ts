/**
 * What an operator's tools call beyond the seed backend: query a channel's members (GET /members),
 * delete a user (DELETE /users/{id}) and mute or unmute one (POST /moderation/mute, /unmute).
 *
 * Simplifications, stated: a deleted user is removed (with their memberships) rather than kept as a
 * soft-deleted record; mutes live beside the store (they change nothing else the emulator serves).
 */
import { inputError, notFound } from '../errors.ts';
import { matches, sortDocs, type SortSpec } from '../filter.ts';
import { parsePayload, type Json, type Route } from '../http.ts';
import { memberResponse, userResponse } from '../shapes.ts';
import type { StreamStore } from '../store.ts';

interface MuteRecord {
  user_id: string;
  target_id: string;
  created_at: string;
  expires?: string;
}

const mutesByStore = new WeakMap<StreamStore, MuteRecord[]>();
const mutesOf = (store: StreamStore) => {
  let list = mutesByStore.get(store);
  if (!list) mutesByStore.set(store, (list = []));
  return list;
};

const muteResponse = (store: StreamStore, m: MuteRecord): Json => ({
  user: userResponse(store.ensureUser(m.user_id)),
  target: userResponse(store.ensureUser(m.target_id)),
  created_at: m.created_at,
  updated_at: m.created_at,
  ...(m.expires ? { expires: m.expires } : {}),
});

/** Server-side calls must say who mutes: `user_id`. */
function muter(body: { user_id?: unknown }, auth: { kind: string; userId?: string }): string {
  const id = typeof body.user_id === 'string' && body.user_id ? body.user_id : auth.kind === 'user' ? auth.userId : undefined;
  if (!id) throw inputError('user_id is required when using server side auth.');
  return id;
}

const targets = (body: { target_id?: unknown; target_ids?: unknown }): string[] => {
  const ids = Array.isArray(body.target_ids) ? body.target_ids : typeof body.target_id === 'string' ? [body.target_id] : [];
  if (!ids.length || !ids.every((t) => typeof t === 'string' && t)) throw inputError('target_id or target_ids is a required field');
  return ids as string[];
};

export const operatorRoutes: Route[] = [
  {
    method: 'GET',
    path: '/members',
    op: 'QueryMembers',
    handler: ({ query, store }) => {
      const payload = parsePayload(query);
      if (typeof payload.type !== 'string' || typeof payload.id !== 'string') throw inputError('type and id are required fields');
      const ch = store.channel(payload.type, payload.id);
      let members = [...ch.members.values()];
      try {
        members = members.filter((m) => matches({ ...memberResponse(store, m), id: m.user_id }, payload.filter_conditions as Json | undefined));
      } catch (err) {
        throw inputError((err as Error).message);
      }
      members = sortDocs(members, payload.sort as SortSpec | undefined, (m) => memberResponse(store, m));
      const offset = Number(payload.offset ?? 0);
      const limit = Number(payload.limit ?? 100);
      return { members: members.slice(offset, offset + limit).map((m) => memberResponse(store, m)) };
    },
  },
  {
    method: 'DELETE',
    path: '/users/:id',
    op: 'DeleteUser',
    handler: ({ params, store }) => {
      const user = store.users.get(params.id!);
      if (!user) throw notFound(`user "${params.id}" does not exist`);
      const deleted = { ...userResponse(user), deleted_at: store.nowIso() };
      store.users.delete(user.id);
      for (const ch of store.channels.values()) ch.members.delete(user.id);
      store.announce({ type: 'user.deleted', user: deleted, created_at: deleted.deleted_at as string });
      return { user: deleted };
    },
  },
  {
    method: 'POST',
    path: '/moderation/mute',
    op: 'MuteUser',
    handler: ({ body, store, auth }) => {
      const by = muter(body, auth);
      const at = store.nowIso();
      const expires = typeof body.timeout === 'number' ? new Date(Date.parse(at) + body.timeout * 60_000).toISOString() : undefined;
      const list = mutesOf(store);
      const made = targets(body).map((target) => {
        if (!store.users.has(target)) throw notFound(`target user "${target}" does not exist`);
        const idx = list.findIndex((m) => m.user_id === by && m.target_id === target);
        if (idx >= 0) list.splice(idx, 1);
        const record: MuteRecord = { user_id: by, target_id: target, created_at: at, ...(expires ? { expires } : {}) };
        list.push(record);
        return muteResponse(store, record);
      });
      const own = { ...userResponse(store.ensureUser(by)), mutes: list.filter((m) => m.user_id === by).map((m) => muteResponse(store, m)) };
      return made.length === 1 ? { mute: made[0], own_user: own } : { mutes: made, own_user: own };
    },
  },
  {
    method: 'POST',
    path: '/moderation/unmute',
    op: 'UnmuteUser',
    handler: ({ body, store, auth }) => {
      const by = muter(body, auth);
      const list = mutesOf(store);
      for (const target of targets(body)) {
        const idx = list.findIndex((m) => m.user_id === by && m.target_id === target);
        if (idx >= 0) list.splice(idx, 1);
      }
      return {};
    },
  },
];

