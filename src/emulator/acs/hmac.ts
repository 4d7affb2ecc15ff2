import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * Checks an Identity request signed with the connection string's access key, recomputed exactly as
 * communication-common's `communicationAccessKeyCredentialPolicy` signs:
 *   VERB \n pathAndQuery \n x-ms-date;host;x-ms-content-sha256
 * keyed with the base64-decoded key. The query is re-serialised through URLSearchParams as the SDK
 * does. Retries resend the same date and signature, so replays within the skew window are accepted.
 */
export function verifyHmac(
  req: IncomingMessage,
  body: Buffer,
  accessKey: Buffer,
  now: number,
  maxSkewMs: number,
): { ok: true } | { ok: false; reason: string } {
  const auth = header(req, 'authorization');
  const date = header(req, 'x-ms-date');
  const host = header(req, 'host');
  const contentHash = header(req, 'x-ms-content-sha256');
  if (!auth || !date || !host || !contentHash) return { ok: false, reason: 'missing HMAC headers (authorization, x-ms-date, host, x-ms-content-sha256)' };
  const when = Date.parse(date);
  if (Number.isNaN(when) || Math.abs(now - when) > maxSkewMs) return { ok: false, reason: 'x-ms-date is missing, malformed or stale' };
  const actualHash = createHash('sha256').update(body).digest('base64');
  if (actualHash !== contentHash) return { ok: false, reason: 'x-ms-content-sha256 does not match the body' };
  const url = new URL(req.url ?? '/', `https://${host}`);
  const query = url.searchParams.toString();
  const pathAndQuery = url.pathname + (query ? `?${query}` : '');
  const stringToSign = `${(req.method ?? 'GET').toUpperCase()}\n${pathAndQuery}\n${date};${host};${contentHash}`;
  const signature = createHmac('sha256', accessKey).update(stringToSign, 'utf8').digest('base64');
  const expected = Buffer.from(`HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${signature}`);
  const got = Buffer.from(auth);
  if (got.length !== expected.length || !timingSafeEqual(got, expected)) return { ok: false, reason: 'signature mismatch' };
  return { ok: true };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The headers that sign a request as the Identity SDK does (for the emulator's own admin client). */
export function signHmac(method: string, url: URL, body: string, accessKeyBase64: string, date = new Date()): Record<string, string> {
  const contentHash = createHash('sha256').update(body).digest('base64');
  const utc = date.toUTCString();
  const query = url.searchParams.toString();
  const stringToSign = `${method.toUpperCase()}\n${url.pathname}${query ? `?${query}` : ''}\n${utc};${url.host};${contentHash}`;
  const signature = createHmac('sha256', Buffer.from(accessKeyBase64, 'base64')).update(stringToSign, 'utf8').digest('base64');
  return {
    'x-ms-date': utc,
    'x-ms-content-sha256': contentHash,
    authorization: `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${signature}`,
  };
}
