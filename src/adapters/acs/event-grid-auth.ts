/**
 * Authenticates an Event Grid delivery before a byte of its body is parsed: the shared secret Event
 * Grid repeats from the subscription URL's query string (constant-time, current and previous secret
 * during a rotation), and/or the Microsoft Entra bearer token Event Grid attaches to every request
 * when the subscription uses Entra authentication (RS256, checked against the configured JWKS,
 * audience, issuer and app role, with `jose`). Every configured method must pass.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { JWTVerifyGetKey } from 'jose';
import type { EntraConfig } from '../../config/event-grid-schema.ts';
import type { WebhookRequest } from '../adapter.ts';
import { fetchTrusting } from './jwks-fetch.ts';

export interface EventGridAuthOptions {
  /** Accepted secrets (current, then previous). Empty: no secret check. */
  secrets: string[];
  secretParam: string;
  entra?: EntraConfig;
  /** Tests: the key set instead of fetching `entra.jwksUrl`. */
  keys?: JWTVerifyGetKey;
  /** A CA to trust for the JWKS download besides the usual roots (the ACS emulator's test tenant). */
  ca?: string;
}

export type AuthResult = { ok: true } | { ok: false; reason: string };

export type EventGridAuthenticator = (request: Pick<WebhookRequest, 'headers' | 'url'>) => Promise<AuthResult>;

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** True when `given` equals one of `secrets`; compares every secret (no early exit) on fixed-size digests. */
export function secretMatches(given: string, secrets: string[]): boolean {
  const got = digest(given);
  let match = false;
  for (const secret of secrets) match = timingSafeEqual(got, digest(secret)) || match;
  return match;
}

/** The one value of `name` in the request's query string; undefined when absent or repeated. */
function queryValue(url: string | undefined, name: string): string | undefined {
  const at = url?.indexOf('?') ?? -1;
  if (!url || at < 0) return undefined;
  const values = new URLSearchParams(url.slice(at + 1)).getAll(name);
  return values.length === 1 ? values[0] : undefined;
}

function bearer(headers: WebhookRequest['headers']): string | undefined {
  const value = headers.authorization;
  const header = Array.isArray(value) ? value[0] : value;
  const m = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return m?.[1];
}

/** Builds the check for one adapter. With nothing configured every request is refused. */
export function createEventGridAuth(options: EventGridAuthOptions): EventGridAuthenticator {
  const { secrets, secretParam, entra } = options;
  // jose is loaded with the first token, so a runtime without Entra authentication never loads it (~90 ms of
  // CPU and ~10 MB at start). The key set fetches nothing before its first use either way.
  let verifier: Promise<{ jwtVerify: typeof import('jose').jwtVerify; keys: JWTVerifyGetKey }> | undefined;
  const loadVerifier = (jwksUrl: string) =>
    (verifier ??= import('jose').then(({ createRemoteJWKSet, customFetch, jwtVerify }) => ({
      jwtVerify,
      keys:
        options.keys ??
        createRemoteJWKSet(new URL(jwksUrl), {
          // A token with an unknown key id refetches the set at most every 30 s, so forged kids cannot hammer the JWKS host.
          cooldownDuration: 30_000,
          cacheMaxAge: 10 * 60_000,
          ...(options.ca ? { [customFetch]: fetchTrusting(options.ca) } : {}),
        }),
    })));

  async function checkToken(token: string | undefined): Promise<AuthResult> {
    if (!entra) return { ok: true };
    if (!token) return { ok: false, reason: 'no Authorization: Bearer token (the subscription uses Microsoft Entra authentication)' };
    try {
      const { jwtVerify, keys } = await loadVerifier(entra.jwksUrl);
      const { payload } = await jwtVerify(token, keys, {
        audience: entra.audience,
        issuer: entra.issuer,
        algorithms: ['RS256'],
        clockTolerance: 60,
        requiredClaims: ['exp'],
      });
      if (entra.role) {
        const roles = Array.isArray(payload.roles) ? payload.roles : [];
        if (!roles.includes(entra.role)) return { ok: false, reason: `the token lacks the app role '${entra.role}'` };
      }
      return { ok: true };
    } catch (error) {
      return { ok: false, reason: `the bearer token was refused (${(error as Error).message})` };
    }
  }

  return async (request) => {
    if (secrets.length === 0 && !entra) return { ok: false, reason: 'Event Grid delivery is not configured on this runtime' };
    if (secrets.length) {
      const given = queryValue(request.url, secretParam);
      if (given === undefined || !secretMatches(given, secrets)) return { ok: false, reason: `missing or wrong ?${secretParam}= secret` };
    }
    return checkToken(bearer(request.headers));
  };
}
