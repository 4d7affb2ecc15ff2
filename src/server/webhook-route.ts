/**
 * The webhook fast path. Express with `express.raw()` costs more CPU per request than the whole of
 * verify + parse + dedupe (DESIGN.md, "Performance"), so webhook POSTs are answered on node:http
 * directly: read the body (limit, gzip), hand it to the adapter, write its answer.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Adapter, WebhookRequest, WebhookResponse } from '../adapters/adapter.ts';
import { bodyJson } from '../adapters/constant-body.ts';
import { handoff, traceWebhook, type SpanScope } from '../telemetry/spans.ts';
import { BodyError, readBody } from './read-body.ts';

function send(res: ServerResponse, status: number, body: unknown, headers?: Record<string, string>) {
  const payload = bodyJson(body);
  const head: Record<string, string | number> = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) };
  // Most answers carry no extra header: no copy of an empty object into every one.
  if (headers) Object.assign(head, headers);
  res.writeHead(status, head);
  res.end(payload);
}

/** What answers one request on the fast path: the adapter's webhook or pre-send handler. */
export type WebhookHandler = (request: WebhookRequest) => Promise<WebhookResponse>;

/** Answers one webhook delivery for `adapter` (with `handle`, default its webhook handler). Never throws. */
export function handleWebhookRequest(
  adapter: Adapter,
  req: IncomingMessage,
  res: ServerResponse,
  maxBodyBytes: number,
  log: Logger,
  handle: WebhookHandler = (r) => adapter.handleWebhook!(r),
  path: string = adapter.webhookPath ?? '/webhooks',
): Promise<number> {
  return traceWebhook(adapter.platform, req.method ?? 'POST', path, (scope) => answer(req, res, maxBodyBytes, log, adapter, handle, scope));
}

/** Reads, hands over and answers; the status sent. */
async function answer(req: IncomingMessage, res: ServerResponse, maxBodyBytes: number, log: Logger, adapter: Adapter, handle: WebhookHandler, scope?: SpanScope): Promise<number> {
  try {
    const body = req.method === 'OPTIONS' ? Buffer.alloc(0) : await readBody(req, maxBodyBytes);
    const answer = await handoff(scope, () => handle({ headers: req.headers, body, url: req.url ?? '', method: req.method ?? 'POST' }));
    send(res, answer.status, answer.body, answer.headers);
    return answer.status;
  } catch (err) {
    if (err instanceof BodyError) {
      send(res, err.status, { error: err.message });
      return err.status;
    }
    // Not acked: the platform will deliver again, and dedupe keeps that from doubling anything.
    log.error({ err, platform: adapter.platform, ...scope?.logFields }, 'webhook could not be accepted');
    send(res, 503, { error: 'temporarily unable to accept the event; retry' }, { 'retry-after': '1' });
    return 503;
  }
}
