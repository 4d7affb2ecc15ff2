/**
 * Webhook signature check. Stream signs the raw, uncompressed body with the API secret and sends
 * `X-Signature` as lowercase hex HMAC-SHA256. The SDK's own `verifyWebhook` compares strings exactly,
 * so an uppercase-hex signature is rejected there; we do the same: Stream never sends uppercase, and
 * accepting it would only widen what a forger can try.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export function signatureOf(body: Buffer | string, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

/** Constant-time comparison of the expected lowercase hex with the header value. */
export function verifySignature(body: Buffer, header: string | string[] | undefined, secret: string): boolean {
  const given = Array.isArray(header) ? header[0] : header;
  if (!given) return false;
  const expected = Buffer.from(signatureOf(body, secret), 'utf8');
  const actual = Buffer.from(given, 'utf8');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
