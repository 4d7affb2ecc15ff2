/** What the baseline servers do with a delivery before their dedupe: HMAC-SHA256 check (constant time) and JSON.parse. */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { BENCH_SECRET } from '../lib/payload.ts';

/** The parsed payload, or undefined when the signature does not match. */
export function verifiedPayload(body: Buffer, headers: IncomingHttpHeaders): { message?: { id?: string } } | undefined {
  const expected = Buffer.from(createHmac('sha256', BENCH_SECRET).update(body).digest('hex'));
  const given = Buffer.from(String(headers['x-signature'] ?? ''));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  return JSON.parse(body.toString('utf8'));
}

/**
 * The request listener of a node:http baseline: reads the whole body, answers 401 to a bad signature, and
 * hands on the raw body, its parsed payload and the dedupe key (X-Webhook-Id, else the message id).
 */
export function onVerifiedWebhook(then: (res: ServerResponse, key: string, body: Buffer) => void): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      const payload = verifiedPayload(body, req.headers);
      if (!payload) {
        res.writeHead(401).end();
        return;
      }
      then(res, String(req.headers['x-webhook-id'] ?? payload.message?.id), body);
    });
  };
}

/** Answers 200 with the JSON a first delivery or a duplicate gets. */
export function answerDelivery(res: ServerResponse, fresh: boolean): void {
  const answer = fresh ? '{"ok":true}' : '{"ok":true,"duplicate":true}';
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': answer.length }).end(answer);
}
