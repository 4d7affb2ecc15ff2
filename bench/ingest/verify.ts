/** What the baseline servers do with a delivery before their dedupe: HMAC-SHA256 check (constant time) and JSON.parse. */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { BENCH_SECRET } from '../lib/payload.ts';

/** The parsed payload, or undefined when the signature does not match. */
export function verifiedPayload(body: Buffer, headers: IncomingHttpHeaders): { message?: { id?: string } } | undefined {
  const expected = Buffer.from(createHmac('sha256', BENCH_SECRET).update(body).digest('hex'));
  const given = Buffer.from(String(headers['x-signature'] ?? ''));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  return JSON.parse(body.toString('utf8'));
}
