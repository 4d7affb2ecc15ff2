/**
 * HS256 JWT checks as Stream does them for server and user tokens. Implemented on node:crypto so the
 * emulator does not depend on the SDK's own signing code.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { StreamApiError } from './errors.ts';

export type Auth = { kind: 'server' } | { kind: 'user'; userId: string };

const b64url = (buf: Buffer | string) => Buffer.from(buf).toString('base64url');

/** Signs a payload the way `jsonwebtoken` does for HS256 (header `{"alg":"HS256","typ":"JWT"}`). */
export function signJwt(payload: Record<string, unknown>, secret: string): string {
  const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const body = b64url(JSON.stringify(payload));
  const sig = createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${sig}`;
}

/**
 * Verifies a token and classifies it. Throws Stream's auth errors: 43 bad signature or malformed,
 * 40 expired, 41 not valid yet, 42 issued in the future.
 */
export function verifyJwt(token: string, secret: string, nowMs: number): Auth {
  const parts = token.split('.');
  if (parts.length !== 3) throw new StreamApiError('signatureInvalid', 'JWTAuth error: token is malformed');
  const [head, body, sig] = parts as [string, string, string];
  let header: { alg?: string };
  let payload: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(head, 'base64url').toString('utf8'));
    payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    throw new StreamApiError('signatureInvalid', 'JWTAuth error: token is not valid JSON');
  }
  if (header.alg !== 'HS256') throw new StreamApiError('signatureInvalid', `JWTAuth error: unsupported algorithm ${String(header.alg)}`);
  const expected = createHmac('sha256', secret).update(`${head}.${body}`).digest();
  const given = Buffer.from(sig, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new StreamApiError('signatureInvalid', 'JWTAuth error: token signature is invalid');
  }
  const now = Math.floor(nowMs / 1000);
  if (typeof payload.exp === 'number' && payload.exp <= now) throw new StreamApiError('tokenExpired', 'JWTAuth error: token has expired');
  if (typeof payload.nbf === 'number' && payload.nbf > now) throw new StreamApiError('notValidYet', 'JWTAuth error: token is not valid yet');
  if (typeof payload.iat === 'number' && payload.iat > now + 5) throw new StreamApiError('beforeIssuedAt', 'JWTAuth error: token used before issue at (iat)');
  if (payload.server === true) return { kind: 'server' };
  if (typeof payload.user_id === 'string' && payload.user_id) return { kind: 'user', userId: payload.user_id };
  throw new StreamApiError('authentication', 'JWTAuth error: token carries neither server:true nor user_id');
}

/** Checks `api_key`, `stream-auth-type` and `Authorization` on one request. */
export function authenticate(
  query: URLSearchParams,
  headers: Record<string, string | string[] | undefined>,
  app: { apiKey: string; apiSecret: string },
  nowMs: number,
): Auth {
  const key = query.get('api_key');
  if (!key) throw new StreamApiError('accessKey', 'api_key not found', { verbatim: true });
  if (key !== app.apiKey) throw new StreamApiError('accessKey', `api_key not valid`, { verbatim: true });
  const authType = String(headers['stream-auth-type'] ?? '');
  if (authType === 'anonymous') throw new StreamApiError('notAllowed', 'anonymous access is not enabled for this app', { verbatim: true });
  const token = headers.authorization;
  if (typeof token !== 'string' || !token) {
    throw new StreamApiError('authentication', 'JWTAuth error: missing Authorization header', { verbatim: true });
  }
  return verifyJwt(token.replace(/^Bearer\s+/i, ''), app.apiSecret, nowMs);
}
