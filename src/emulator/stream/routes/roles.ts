/** Custom roles: create, list (built-ins included), delete. */
import { inputError, notFound } from '../errors.ts';
import type { Route } from '../http.ts';
import { CHANNEL_ROLES, USER_ROLES } from '../roles.ts';

const BUILT_IN_AT = '2020-01-01T00:00:00Z';

export const roleRoutes: Route[] = [
  {
    method: 'POST',
    path: '/roles',
    op: 'CreateRole',
    handler: ({ body, store }) => {
      const name = body.name;
      if (typeof name !== 'string' || !/^[\w-]+$/.test(name)) throw inputError('name is a required field (letters, digits, _ and -)');
      if ((USER_ROLES as readonly string[]).includes(name) || (CHANNEL_ROLES as readonly string[]).includes(name) || store.roles.has(name)) {
        throw inputError(`role "${name}" already exists`);
      }
      const at = store.nowIso();
      store.roles.set(name, { name, created_at: at, updated_at: at });
      store.changed();
      return { role: { name, custom: true, scopes: [], created_at: at, updated_at: at } };
    },
  },
  {
    method: 'GET',
    path: '/roles',
    op: 'ListRoles',
    handler: ({ store }) => ({
      roles: [
        ...[...USER_ROLES, ...CHANNEL_ROLES].map((name) => ({ name, custom: false, scopes: [], created_at: BUILT_IN_AT, updated_at: BUILT_IN_AT })),
        ...[...store.roles.values()].map((r) => ({ ...r, custom: true, scopes: [] })),
      ],
    }),
  },
  {
    method: 'DELETE',
    path: '/roles/:name',
    op: 'DeleteRole',
    handler: ({ params, store }) => {
      if (!store.roles.has(params.name!)) throw notFound(`custom role "${params.name}" does not exist`);
      const inUse = [...store.users.values()].some((u) => u.role === params.name && !u.deleted_at);
      if (inUse) throw inputError(`role "${params.name}" is still assigned to users`);
      store.roles.delete(params.name!);
      store.changed();
      return {};
    },
  },
];
