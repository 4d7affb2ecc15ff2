/**
 * What an operator's tools call beyond the seed backend: query a channel's members (GET /members) and
 * delete a user (DELETE /users/{id}). (Mutes are routes/mutes.ts.)
 *
 * Simplification, stated: a deleted user is removed (with their memberships) rather than kept as a
 * soft-deleted record.
 */
import { inputError, notFound } from '../errors.ts';
import { matches, sortDocs, type SortSpec } from '../filter.ts';
import { parsePayload, type Json, type Route } from '../http.ts';
import { memberResponse, userResponse } from '../shapes.ts';

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
      for (let i = store.mutes.length - 1; i >= 0; i--) if (store.mutes[i]!.user_id === user.id || store.mutes[i]!.target_id === user.id) store.mutes.splice(i, 1);
      store.announce({ type: 'user.deleted', user: deleted, created_at: deleted.deleted_at as string });
      return { user: deleted };
    },
  },
];

