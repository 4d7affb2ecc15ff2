import { createHmac, timingSafeEqual } from 'node:crypto';

/** Claims of an emulator access token: shaped like a real ACS token, plus `gen` for revocation. */
export interface AcsTokenClaims {
  skypeid: string;
  scp: number;
  csi: string;
  iat: number;
  /** Seconds since epoch, possibly fractional (the SDK reads only this claim, via jwt-decode). */
  exp: number;
  acsScope: string;
  resourceId: string;
  /** The user's token generation; revokeAccessTokens bumps it, invalidating older tokens. */
  gen: number;
}

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

/** HS256 JWT with the emulator's own key. Real tokens are RS256; only the 3-part shape and `exp` matter to the SDK. */
export function signToken(claims: AcsTokenClaims, key: Buffer): string {
  const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const body = b64url(JSON.stringify(claims));
  const sig = createHmac('sha256', key).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${sig}`;
}

/** Verifies the signature and expiry; returns the claims or a reason. */
export function verifyToken(token: string, key: Buffer, nowMs: number): { ok: true; claims: AcsTokenClaims } | { ok: false; reason: string } {
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'not a JWT' };
  const [head, body, sig] = parts as [string, string, string];
  const expected = Buffer.from(createHmac('sha256', key).update(`${head}.${body}`).digest('base64url'));
  const got = Buffer.from(sig);
  if (got.length !== expected.length || !timingSafeEqual(got, expected)) return { ok: false, reason: 'bad token signature' };
  let claims: AcsTokenClaims;
  try {
    claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as AcsTokenClaims;
  } catch {
    return { ok: false, reason: 'unreadable token' };
  }
  if (typeof claims.exp !== 'number' || claims.exp * 1000 <= nowMs) return { ok: false, reason: 'token expired' };
  return { ok: true, claims };
}
