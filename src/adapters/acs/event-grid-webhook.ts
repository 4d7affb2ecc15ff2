/**
 * `POST /webhooks/acs` (and `OPTIONS` for CloudEvents): authenticate first, then the handshakes, then
 * events. The order is the guarantee: a request that fails authentication is answered 401 before its
 * body is parsed, so it can never become an event, run a handler or write a dedupe key.
 */
import type { Logger } from 'pino';
import { traceLogFields } from '../../telemetry/carrier.ts';
import { keepParent } from '../../telemetry/spans.ts';
import type { InboundEvent, UserRef, WebhookRequest, WebhookResponse } from '../adapter.ts';
import type { EventGridAuthenticator } from './event-grid-auth.ts';
import { parseEnvelope } from './event-grid-envelope.ts';
import { completeValidation, validationUrlAllowed } from './event-grid-validation.ts';
import { foldDelivery } from './event-grid.ts';

export interface GridWebhookDeps {
  authenticate: EventGridAuthenticator;
  bot(): UserRef;
  /** Hands one event to ingest; throws when it could not be accepted (Event Grid then retries). */
  deliver(event: InboundEvent): Promise<void>;
  validation: 'sync' | 'validationUrl';
  validationHosts: string[];
  /** A CA to trust for the validationUrl GET (the emulator's certificate). */
  ca?: string;
  /** Read at each use: the adapter gets its logger only when it starts. */
  readonly log?: Logger;
  /** Told of every refused request (metrics, the console). */
  onRefused?(reason: string): void;
}

const header = (request: WebhookRequest, name: string): string | undefined => {
  const v = request.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/** Logs refused requests at most once a minute (with the count), so a flood cannot flood the log. */
function refusalLog(log: () => Logger | undefined) {
  let last = 0;
  let quiet = 0;
  return (reason: string) => {
    const now = Date.now();
    if (now - last < 60_000) {
      quiet++;
      return;
    }
    log()?.warn({ refusedSinceLastLog: quiet, reason }, 'Event Grid request refused: not authenticated (401)');
    last = now;
    quiet = 0;
  };
}

export function createGridWebhook(deps: GridWebhookDeps): (request: WebhookRequest) => Promise<WebhookResponse> {
  const logRefusal = refusalLog(() => deps.log);

  return async (request) => {
    const resume = keepParent(); // events are delivered after awaits: each under this webhook's span
    const auth = await deps.authenticate(request);
    if (!auth.ok) {
      logRefusal(auth.reason);
      deps.onRefused?.(auth.reason);
      return { status: 401, body: { error: `not authenticated: ${auth.reason}` } };
    }
    if (request.method === 'OPTIONS') {
      // CloudEvents 1.0 abuse protection: consent by echoing the origin Event Grid names.
      const origin = header(request, 'webhook-request-origin');
      if (!origin) return { status: 400, body: { error: 'OPTIONS without WebHook-Request-Origin: not a CloudEvents validation request' } };
      return { status: 200, headers: { 'WebHook-Allowed-Origin': origin, 'WebHook-Allowed-Rate': '*', Allow: 'POST, OPTIONS' } };
    }
    const envelope = parseEnvelope(request.body);
    if (envelope.kind === 'invalid') return { status: 400, body: { error: envelope.reason } };
    if (envelope.kind === 'validation') {
      if (deps.validation === 'sync') return { status: 200, body: { validationResponse: envelope.code } };
      if (!envelope.url || !validationUrlAllowed(envelope.url, deps.validationHosts)) {
        return { status: 400, body: { error: `validationUrl missing, or not https on ${deps.validationHosts.join(', ')} (acs.eventGrid.validationHosts)` } };
      }
      void completeValidation(envelope.url, { ...(deps.log ? { log: deps.log } : {}), ...(deps.ca ? { ca: deps.ca } : {}) });
      return { status: 200, body: {} };
    }
    const events = foldDelivery(envelope.events, deps.bot(), (reason) => deps.log?.warn({ reason }, 'Event Grid event skipped: its ids do not agree'));
    let current: InboundEvent | undefined;
    try {
      for (const event of events) {
        current = event;
        await resume(() => deps.deliver(event));
      }
    } catch (error) {
      const about = current ? { eventId: current.id, ...traceLogFields(current) } : {};
      deps.log?.error({ err: error, ...about }, 'Event Grid delivery not accepted; answering 500 so Event Grid retries');
      return { status: 500, body: { error: 'not accepted; Event Grid will retry' } };
    }
    return { status: 200 };
  };
}
