/**
 * Webhook delivery as Stream does it (reference §3): POST of the compact JSON, `X-Signature` =
 * lowercase hex HMAC-SHA256 of the exact bytes with the app secret, `X-Webhook-Id` stable across
 * retries, `X-Webhook-Attempt` from 1, `X-Api-Key`. 408/429/5xx and timeouts get 3 attempts, network
 * errors 2; each attempt has 6 s and the whole delivery at most 15 s. Typing events never leave.
 */
import { createHmac } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { gzipSync } from 'node:zlib';
import type { Logger } from 'pino';
import type { Faults } from './faults.ts';
import type { StreamEvent, StreamStore } from './store.ts';
import { ReorderGate } from './webhook-order.ts';

/** Announced on the change feed but never sent to webhooks. */
export const NOT_DELIVERED = new Set(['typing.start', 'typing.stop', 'user.created']);

export interface WebhookOptions {
  attemptTimeoutMs?: number;
  totalTimeoutMs?: number;
  /** Wait before attempt 2, 3, ... (the last value repeats). */
  retryDelaysMs?: number[];
  /** Send `Content-Encoding: gzip` bodies (the signature stays over the uncompressed bytes). */
  gzip?: boolean;
}

export interface DeliveryAttempt { attempt: number; status?: number; error?: string; ms: number }
export interface DeliveryRecord {
  webhookId: string;
  type: string;
  url: string;
  /** The exact bytes signed and sent (before gzip). */
  body: string;
  attempts: DeliveryAttempt[];
  outcome: 'pending' | 'delivered' | 'failed';
  /** True for a copy made by the duplicate-delivery fault. */
  duplicate: boolean;
}

export function signBody(body: string | Buffer, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

interface Agents { http: http.Agent; https: https.Agent }

function post(keepAlive: Agents, url: string, body: Buffer, headers: Record<string, string>, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const mod = u.protocol === 'https:' ? https : http;
    const req = mod.request(u, { method: 'POST', headers: { ...headers, 'content-length': String(body.length) }, agent: u.protocol === 'https:' ? keepAlive.https : keepAlive.http });
    const timer = setTimeout(() => req.destroy(Object.assign(new Error(`timed out after ${timeoutMs} ms`), { code: 'ETIMEDOUT' })), timeoutMs);
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => { clearTimeout(timer); resolve(res.statusCode ?? 0); });
      res.on('error', (err) => { clearTimeout(timer); reject(err); });
    });
    req.on('error', (err) => { clearTimeout(timer); reject(err); });
    req.end(body);
  });
}

export class WebhookDispatcher {
  readonly deliveries: DeliveryRecord[] = [];
  private readonly inflight = new Set<Promise<void>>();
  private readonly opts: Required<WebhookOptions>;
  private closed = false;
  private readonly reorderGate = new ReorderGate(() => this.faults.reorderWebhookBatch);
  private eventSeq = 0;
  private readonly agents: Agents = { http: new http.Agent({ keepAlive: true, maxSockets: 64 }), https: new https.Agent({ keepAlive: true, maxSockets: 64 }) };

  constructor(
    private readonly store: StreamStore,
    private readonly app: { apiKey: string; apiSecret: string },
    private readonly faults: Faults,
    options: WebhookOptions,
    private readonly log?: Logger,
  ) {
    this.opts = { attemptTimeoutMs: 6000, totalTimeoutMs: 15000, retryDelaysMs: [250, 1000], gzip: false, ...options };
  }

  /** Where an event of `type` goes: `webhook_url` plus every enabled webhook event hook that wants it. */
  targets(type: string): string[] {
    const urls = new Set<string>();
    if (this.store.app.webhook_url) urls.add(this.store.app.webhook_url);
    for (const h of this.store.app.event_hooks) {
      if (h.enabled === false || (h.hook_type && h.hook_type !== 'webhook') || !h.webhook_url) continue;
      if (h.event_types?.length && !h.event_types.includes(type)) continue;
      urls.add(h.webhook_url);
    }
    return [...urls];
  }

  /** Queues delivery of one announced event to every target. */
  dispatch(event: StreamEvent): void {
    // A "delete for me" changes one user's view only: it goes to that user's connections, not to webhooks.
    if (this.closed || NOT_DELIVERED.has(event.type) || event.deleted_for_me === true) return;
    const targets = this.targets(event.type);
    const reorder = targets.length > 0 && this.faults.takeReorder();
    const eventKey = String(++this.eventSeq);
    for (const url of targets) {
      const body = JSON.stringify(event);
      const webhookId = this.store.newId();
      const copies = this.faults.takeDuplicate() ? 2 : 1;
      for (let i = 0; i < copies; i++) {
        const rec: DeliveryRecord = { webhookId, type: event.type, url, body, attempts: [], outcome: 'pending', duplicate: i > 0 };
        this.deliveries.push(rec);
        const run = reorder ? this.reorderGate.hold(eventKey, () => this.deliver(rec)) : this.deliver(rec);
        const p = run.finally(() => this.inflight.delete(p));
        this.inflight.add(p);
      }
    }
  }

  /** Resolves when every queued delivery has finished (delivered or given up), including ones queued meanwhile. */
  async idle(): Promise<void> {
    while (this.inflight.size) await Promise.allSettled([...this.inflight]);
  }

  /** Stops new deliveries and retries; attempts in flight fail at once (their sockets are destroyed). */
  close(): void {
    this.closed = true;
    this.reorderGate.release();
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  private async deliver(rec: DeliveryRecord): Promise<void> {
    const started = Date.now();
    if (this.faults.webhookDelayMs > 0) await sleep(this.faults.webhookDelayMs);
    if (this.closed) {
      rec.outcome = 'failed';
      return;
    }
    const raw = Buffer.from(rec.body, 'utf8');
    const payload = this.opts.gzip ? gzipSync(raw) : raw;
    const deadline = started + this.opts.totalTimeoutMs;
    for (let attempt = 1; ; attempt++) {
      const t0 = Date.now();
      const budget = Math.min(this.opts.attemptTimeoutMs, deadline - t0);
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'user-agent': 'botyard-stream-emulator',
        'x-signature': signBody(raw, this.app.apiSecret),
        'x-webhook-id': rec.webhookId,
        'x-webhook-attempt': String(attempt),
        'x-api-key': this.app.apiKey,
        ...(this.opts.gzip ? { 'content-encoding': 'gzip' } : {}),
      };
      let retryable: boolean;
      let maxAttempts = 3;
      try {
        const status = await post(this.agents, rec.url, payload, headers, Math.max(1, budget));
        rec.attempts.push({ attempt, status, ms: Date.now() - t0 });
        if (status >= 200 && status < 300) {
          rec.outcome = 'delivered';
          break;
        }
        retryable = status === 408 || status === 429 || status >= 500;
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        rec.attempts.push({ attempt, error: e.code ?? e.message, ms: Date.now() - t0 });
        retryable = true;
        if (e.code !== 'ETIMEDOUT') maxAttempts = 2;
      }
      const delay = this.opts.retryDelaysMs[Math.min(attempt - 1, this.opts.retryDelaysMs.length - 1)] ?? 0;
      if (!retryable || attempt >= maxAttempts || this.closed || Date.now() + delay >= deadline) {
        rec.outcome = 'failed';
        break;
      }
      await sleep(delay);
    }
    this.log?.debug({ type: rec.type, webhookId: rec.webhookId, outcome: rec.outcome, attempts: rec.attempts.length }, 'stream emulator webhook');
    this.store.feed.emit('delivery', rec);
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
