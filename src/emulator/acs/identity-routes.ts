import type { EmulatorCore } from './core.ts';
import type { UserRecord } from './model.ts';
import { route, type Route } from './router.ts';
import { AcsHttpError, badRequest } from './wire.ts';

/** Identity API, api-version 2023-10-01: create (with token), issue token, revoke, delete. */
export function identityRoutes(core: EmulatorCore): Route[] {
  const owned = (id: string): UserRecord => {
    const user = core.model.users.get(id);
    // The recorded real answer for a user of another resource (or none): 401 IdentityNotOwned.
    if (!user || user.deleted) throw new AcsHttpError(401, 'IdentityNotOwned', "Provided identity doesn't belong to the resource.");
    return user;
  };
  // The Python SDK sends `"expiresInMinutes": null` when no expiry is asked for: null means the default.
  const minutes = (value: number | null | undefined): number | undefined => (value === null ? undefined : value);
  const scopesOf = (value: unknown, field: string): string[] => {
    if (!Array.isArray(value) || !value.every((s) => typeof s === 'string')) throw badRequest(`${field} must be an array of scopes.`, field);
    return value as string[];
  };

  return [
    route('POST', '/identities', 'identity.create', 'hmac', (ctx) => {
      const body = ctx.json<{ createTokenWithScopes?: unknown; expiresInMinutes?: number | null }>();
      const scopes = body.createTokenWithScopes === undefined ? undefined : scopesOf(body.createTokenWithScopes, 'createTokenWithScopes');
      const user = core.model.createUser();
      const out: Record<string, unknown> = { identity: { id: user.id } };
      if (scopes) {
        try {
          const { token, expiresOn } = core.issueToken(user, scopes, minutes(body.expiresInMinutes));
          out.accessToken = { token, expiresOn };
        } catch (error) {
          core.model.users.delete(user.id);
          throw error;
        }
      }
      return { status: 201, body: out };
    }),
    route('POST', '/identities/{id}/:issueAccessToken', 'identity.issueToken', 'hmac', (ctx) => {
      const user = owned(ctx.params[0]!);
      const body = ctx.json<{ scopes?: unknown; expiresInMinutes?: number | null }>();
      const { token, expiresOn } = core.issueToken(user, scopesOf(body.scopes, 'scopes'), minutes(body.expiresInMinutes));
      return { status: 200, body: { token, expiresOn } };
    }),
    route('POST', '/identities/{id}/:revokeAccessTokens', 'identity.revoke', 'hmac', (ctx) => {
      core.model.revokeTokens(owned(ctx.params[0]!));
      return { status: 204 };
    }),
    route('DELETE', '/identities/{id}', 'identity.delete', 'hmac', (ctx) => {
      core.model.deleteUser(owned(ctx.params[0]!));
      return { status: 204 };
    }),
  ];
}
