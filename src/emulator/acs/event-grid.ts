/**
 * The emulator's Event Grid: delivers ACS chat events to one subscribed URL as Event Grid does.
 *   - Authentication: the URL is used as given, query string included (that is where a subscription's
 *     shared secret goes); with `entra`, every request also carries a bearer token from the emulator's
 *     test tenant (event-grid-tenant.ts), whose JWKS the runtime can be pointed at.
 *   - Schemas: the Event Grid schema (an array per POST, after the SubscriptionValidationEvent
 *     handshake, synchronous or through the validationUrl) or CloudEvents 1.0 (the OPTIONS handshake).
 *   - Retries with backoff; per-user copies on request (`perUser`).
 */
import { randomUUID } from 'node:crypto';
import type { AcsModel } from './model.ts';
import { perUserCopies, toCloudEvent, toEvent, type GridEvent } from './event-grid-events.ts';
import { createEventGridTenant, type TenantInfo } from './event-grid-tenant.ts';
import { createGridFaults, type GridFaults } from './grid-faults.ts';

export interface EventGridSubscription {
  /** Do the validation handshake first (default true); subscribe rejects when it fails. */
  handshake?: boolean;
  /** `EventGridSchema` (default) or `CloudEventSchemaV1_0`. */
  schema?: 'EventGridSchema' | 'CloudEventSchemaV1_0';
  /** Attach a Microsoft Entra token for this audience (the webhook's application) to every request. */
  entra?: { audience: string };
  /** Also send the per-user copies (`ChatMessageReceived`, `…WithUser`), one per member, as Event Grid does. */
  perUser?: boolean;
  /** Only these event types (short names, e.g. `ChatMessageReceivedInThread`). */
  eventTypes?: string[];
  headers?: Record<string, string>;
  /** How long the manual handshake waits for the validationUrl GET (default 30 s; Event Grid waits minutes). */
  validationTimeoutMs?: number;
}

export interface EventGridControl {
  /** Starts delivering events to `url` (one event per request). */
  subscribe(url: string, options?: EventGridSubscription): Promise<void>;
  unsubscribe(): void;
  /** Resolves once every queued delivery was attempted. */
  idle(): Promise<void>;
  /** The test tenant: what to put in `acs.eventGrid.entra` (plus the audience you subscribe with). */
  tenant(): Promise<TenantInfo>;
  /** A token from the test tenant (tests forge wrong audiences or roles with `claims`). */
  token(audience: string, claims?: Record<string, unknown>): Promise<string>;
  close(): Promise<void>;
  readonly delivered: number;
  readonly failed: number;
}

const ORIGIN = 'eventgrid.azure.net';

async function send(url: string, method: string, body: unknown, headers: Record<string, string>): Promise<Response> {
  return fetch(url, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(10_000),
  });
}

export function createEventGrid(model: AcsModel, topic: string, cert: { certPem: string; keyPem: string }, faults: GridFaults = createGridFaults()): EventGridControl {
  const tenant = createEventGridTenant(cert);
  let target: { url: string; options: EventGridSubscription } | undefined;
  let chain: Promise<void> = Promise.resolve();
  let delivered = 0;
  let failed = 0;

  const authHeaders = async (options: EventGridSubscription): Promise<Record<string, string>> => ({
    'aeg-subscription-name': 'BOTYARD-EMULATOR',
    ...(options.entra ? { authorization: `Bearer ${await tenant.token(options.entra.audience)}` } : {}),
    ...(options.headers ?? {}),
  });

  /** `extra` headers come from a fault (a redelivery's raised `aeg-delivery-count`) and win over the attempt's own. */
  const deliver = async (url: string, event: GridEvent, options: EventGridSubscription, extra: Record<string, string> = {}) => {
    const cloud = options.schema === 'CloudEventSchemaV1_0';
    for (let attempt = 0; attempt < 4; attempt++) {
      try {
        const headers = { ...(await authHeaders(options)), 'aeg-event-type': 'Notification', 'aeg-delivery-count': String(attempt), ...extra };
        const res = cloud
          ? await send(url, 'POST', toCloudEvent(event), { ...headers, 'content-type': 'application/cloudevents+json; charset=utf-8', 'webhook-request-origin': ORIGIN })
          : await send(url, 'POST', [event], headers);
        await res.arrayBuffer();
        if (res.ok) return void delivered++;
        // Event Grid does not retry 400, 401, 403 or 413: the endpoint said the request itself is wrong.
        if ([400, 401, 403, 413].includes(res.status)) break;
      } catch {
        // network error: retry like Event Grid does, with backoff
      }
      await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
    }
    failed++;
  };

  const handshake = async (url: string, options: EventGridSubscription) => {
    const headers = await authHeaders(options);
    if (options.schema === 'CloudEventSchemaV1_0') {
      const res = await send(url, 'OPTIONS', undefined, { ...headers, 'webhook-request-origin': ORIGIN, 'webhook-request-rate': '120' });
      await res.arrayBuffer();
      const allowed = res.headers.get('webhook-allowed-origin');
      if (res.status !== 200 || (allowed !== ORIGIN && allowed !== '*')) {
        throw new Error(`Event Grid validation failed: OPTIONS ${url} answered ${res.status} with WebHook-Allowed-Origin ${allowed ?? '(none)'}; expected 200 and ${ORIGIN} or *.`);
      }
      return;
    }
    const validationCode = randomUUID();
    const validationUrl = await tenant.validationUrl(validationCode);
    const res = await send(
      url,
      'POST',
      [{ id: randomUUID(), topic, subject: '', data: { validationCode, validationUrl }, eventType: 'Microsoft.EventGrid.SubscriptionValidationEvent', eventTime: new Date().toISOString(), metadataVersion: '1', dataVersion: '2' }],
      { ...headers, 'aeg-event-type': 'SubscriptionValidation' },
    );
    const text = await res.text();
    let answer: { validationResponse?: string } | undefined;
    try {
      answer = JSON.parse(text);
    } catch {
      answer = undefined;
    }
    if (res.status === 200 && answer?.validationResponse === validationCode) return;
    // A 200 without the code puts the subscription in AwaitingManualAction until the validationUrl is fetched.
    if (res.status === 200 && answer?.validationResponse === undefined && (await tenant.validated(validationCode, options.validationTimeoutMs ?? 30_000))) return;
    throw new Error(`Event Grid validation failed: ${url} answered ${res.status} ${text.slice(0, 200)}; expected 200 {"validationResponse":"${validationCode}"} or a GET of the validationUrl.`);
  };

  model.on('change', (change) => {
    if (!target) return;
    const event = toEvent(model, change, topic);
    if (!event) return;
    const { url, options } = target;
    const events = [event, ...(options.perUser ? perUserCopies(model, event) : [])];
    for (const e of events) {
      const short = e.eventType.replace('Microsoft.Communication.', '');
      if (options.eventTypes && !options.eventTypes.includes(short)) continue;
      // Faults (grid-faults.ts) may deliver an event twice, again as a retry, or hold a batch to reverse it.
      faults.plan(e, (planned, extra) => {
        chain = chain.then(() => deliver(url, planned, options, extra));
      });
    }
  });

  return {
    async subscribe(url, options = {}) {
      if (options.handshake ?? true) await handshake(url, options);
      target = { url, options };
    },
    unsubscribe() {
      target = undefined;
    },
    async idle() {
      let seen: Promise<void>;
      do {
        seen = chain;
        await seen;
      } while (seen !== chain);
    },
    tenant: () => tenant.info(),
    token: (audience, claims) => tenant.token(audience, claims),
    async close() {
      target = undefined;
      await tenant.close();
    },
    get delivered() {
      return delivered;
    },
    get failed() {
      return failed;
    },
  };
}
