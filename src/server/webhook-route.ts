/**
 * The webhook fast path. Express with `express.raw()` costs more CPU per request than the whole of
 * verify + parse + dedupe (DESIGN.md, "Performance"), so webhook POSTs are answered on node:http
 * directly: read the body (limit, gzip), hand it to the adapter, write its answer.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Adapter, WebhookRequest, WebhookResponse } from '../adapters/adapter.ts';
import { BodyError, readBody } from './read-body.ts';

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const payload = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...headers });
  res.end(payload);
}

/** What answers one request on the fast path: the adapter's webhook or pre-send handler. */
export type WebhookHandler = (request: WebhookRequest) => Promise<WebhookResponse>;

/** Answers one webhook delivery for `adapter` (with `handle`, default its webhook handler). Never throws. */
export async function handleWebhookRequest(
  adapter: Adapter,
  req: IncomingMessage,
  res: ServerResponse,
  maxBodyBytes: number,
  log: Logger,
  handle: WebhookHandler = (r) => adapter.handleWebhook!(r),
): Promise<void> {
  try {
    const body = req.method === 'OPTIONS' ? Buffer.alloc(0) : await readBody(req, maxBodyBytes);
    const answer = await handle({ headers: req.headers, body, url: req.url ?? '', method: req.method ?? 'POST' });
    send(res, answer.status, answer.body, answer.headers);
  } catch (err) {
    if (err instanceof BodyError) {
      send(res, err.status, { error: err.message });
      return;
    }
    // Not acked: the platform will deliver again, and dedupe keeps that from doubling anything.
    log.error({ err, platform: adapter.platform }, 'webhook could not be accepted');
    send(res, 503, { error: 'temporarily unable to accept the event; retry' }, { 'retry-after': '1' });
  }
}
