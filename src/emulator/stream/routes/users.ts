/** Users: upsert (`POST /users`, a map keyed by id, at most 100), partial update, query. */
import { inputError, notFound } from '../errors.ts';
import { matches, sortDocs, type SortSpec } from '../filter.ts';
import { parsePayload, type Route } from '../http.ts';
import { splitCustom, USER_RESERVED, type UserRecord } from '../records.ts';
import { fullUserResponse } from '../moderation-shapes.ts';
import { checkUserId, checkUserRole } from '../roles.ts';
import { userResponse } from '../shapes.ts';
import type { StreamStore } from '../store.ts';

export const MAX_USERS_PER_CALL = 100;

function announceUpdated(store: StreamStore, u: UserRecord): void {
  store.announce({ type: 'user.updated', user: userResponse(u), created_at: store.nowIso() });
}

export const userRoutes: Route[] = [
  {
    method: 'POST',
    path: '/users',
    op: 'UpdateUsers',
    handler: ({ body, store }) => {
      const users = body.users as Record<string, Record<string, unknown>> | undefined;
      if (!users || typeof users !== 'object' || Array.isArray(users)) throw inputError('users is a required field and must be a map keyed by user id');
      const entries = Object.entries(users);
      if (entries.length > MAX_USERS_PER_CALL) throw inputError(`users must contain at most ${MAX_USERS_PER_CALL} items`);
      for (const [key, u] of entries) {
        if (!u || typeof u.id !== 'string' || !u.id) throw inputError(`users["${key}"].id is a required field`);
        if (u.id !== key) throw inputError(`user id ${u.id} does not match its key ${key}`);
        checkUserId(u.id, `users["${key}"].id`);
        if (u.role !== undefined) checkUserRole(store, u.role, `users["${key}"].role`);
      }
      const out: Record<string, unknown> = {};
      for (const [, u] of entries) {
        const id = u.id as string;
        const existing = store.users.get(id);
        const at = store.nowIso();
        // Upsert replaces what a UserRequest carries (role, name, image, custom fields); the server's own
        // state is not the caller's to reset: created_at, bans, a shadow ban, and a soft delete (a
        // deleted user stays deleted until `POST /users/restore`).
        const rec: UserRecord = {
          id,
          role: typeof u.role === 'string' ? u.role : existing?.role ?? 'user',
          created_at: existing?.created_at ?? at,
          updated_at: at,
          banned: existing?.banned ?? false,
          ...(existing?.ban_expires ? { ban_expires: existing.ban_expires } : {}),
          ...(existing?.shadow_banned ? { shadow_banned: true } : {}),
          ...(existing?.deleted_at ? { deleted_at: existing.deleted_at } : {}),
          custom: splitCustom(u, USER_RESERVED),
        };
        store.users.set(id, rec);
        out[id] = fullUserResponse(store, rec);
        if (existing) announceUpdated(store, rec);
        else store.announce({ type: 'user.created', user: userResponse(rec), created_at: at });
      }
      return { users: out, membership_deletion_task_id: '' };
    },
  },
  {
    method: 'PATCH',
    path: '/users',
    op: 'UpdateUsersPartial',
    handler: ({ body, store }) => {
      const list = body.users as Array<{ id?: string; set?: Record<string, unknown>; unset?: string[] }> | undefined;
      if (!Array.isArray(list)) throw inputError('users is a required field and must be a list');
      if (list.length > MAX_USERS_PER_CALL) throw inputError(`users must contain at most ${MAX_USERS_PER_CALL} items`);
      const out: Record<string, unknown> = {};
      // Validate the whole batch before changing anything: one bad entry fails the call, as Stream does.
      for (const change of list) {
        if (!change.id) throw inputError('users[].id is a required field');
        if (!store.users.get(change.id)) throw notFound(`user "${change.id}" does not exist`);
        if (change.set?.role !== undefined) checkUserRole(store, change.set.role, `users[${change.id}].set.role`);
      }
      for (const change of list) {
        const u = store.users.get(change.id!)!;
        for (const [k, v] of Object.entries(change.set ?? {})) {
          if (k === 'role' && typeof v === 'string') u.role = v;
          else if (k === 'id' || k === 'created_at') throw inputError(`${k} cannot be updated`);
          else if (!USER_RESERVED.has(k)) u.custom[k] = v;
        }
        for (const k of change.unset ?? []) delete u.custom[k];
        u.updated_at = store.nowIso();
        out[u.id] = fullUserResponse(store, u);
        announceUpdated(store, u);
      }
      return { users: out, membership_deletion_task_id: '' };
    },
  },
  {
    method: 'GET',
    path: '/users',
    op: 'QueryUsers',
    handler: ({ query, store }) => {
      const payload = parsePayload(query);
      const filter = payload.filter_conditions as Record<string, unknown> | undefined;
      let users: UserRecord[];
      try {
        // Deleted users (soft delete keeps the record) drop out of queries.
        users = [...store.users.values()].filter((u) => !u.deleted_at && matches(userResponse(u), filter));
      } catch (err) {
        throw inputError((err as Error).message);
      }
      users = sortDocs(users, payload.sort as SortSpec | undefined, userResponse);
      const offset = Number(payload.offset ?? 0);
      const limit = Number(payload.limit ?? 30);
      return { users: users.slice(offset, offset + limit).map((u) => fullUserResponse(store, u)) };
    },
  },
];
