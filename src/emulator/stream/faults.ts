/**
 * Fault knobs and request counters. Endpoints are named by Stream's operation ids (`SendMessage`,
 * `UpdateChannel`, ...; `*` matches every endpoint), the same names Stream puts in error messages and
 * rate-limit tables.
 */
export interface FailSpec {
  /** HTTP status to answer: 429 (default) or a 5xx (or any other status). */
  status?: number;
  /** How many calls to fail (failNext only). Default 1. */
  count?: number;
  /** For 429: X-RateLimit-Reset is now + this many seconds. Default 1. */
  resetInSeconds?: number;
  /** Stream error code; defaults to 9 for 429, -1 for 5xx, 4 otherwise. */
  code?: number;
  message?: string;
}

export interface RateSpec extends Omit<FailSpec, 'count'> {
  /** Fraction of calls to fail, 0..1. */
  rate: number;
  /** Seed of the deterministic generator (default 1). */
  seed?: number;
}

interface Pending extends FailSpec { op: string; remaining: number }

/**
 * A fault of the before-message-send hook call: answer late (`delayMs`), fail with `status`, or time out.
 * Stored here so every way of injecting faults reaches it; the hook caller (before-send.ts) consumes it
 * with `takeHookFault()`, once per call, `count` times (default 1).
 */
export interface HookFault { delayMs?: number; status?: number; timeout?: boolean; count?: number }

/** mulberry32: a tiny seeded PRNG so "30% of sends fail" is reproducible. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Faults {
  private pending: Pending[] = [];
  private rates = new Map<string, RateSpec & { next: () => number }>();
  private delays = new Map<string, number>();
  /** Webhook events still to be delivered twice. */
  duplicateWebhookCount = 0;
  /** Milliseconds to wait before the first attempt of every webhook delivery. */
  webhookDelayMs = 0;
  /** Events still to be delivered out of order (see reorderWebhooks). */
  reorderWebhookCount = 0;
  /** How many held events are released together, last first. */
  reorderWebhookBatch = 2;
  /** Faults waiting for the next before-send hook calls, first in first out (see hookFault). */
  private hookFaults: Array<HookFault & { remaining: number }> = [];

  /** Fail the next `count` calls to `op` with `status` (429 by default, with X-RateLimit-Reset). */
  failNext(op: string, spec: FailSpec = {}): void {
    this.pending.push({ ...spec, op, remaining: spec.count ?? 1 });
  }

  /** Fail a fraction of calls to `op`, deterministically for a given seed, until cleared. */
  failRate(op: string, spec: RateSpec): void {
    this.rates.set(op, { ...spec, next: prng(spec.seed ?? 1) });
  }

  /** Delay every answer of `op` by `ms` (to exercise client timeouts). */
  delay(op: string, ms: number): void {
    this.delays.set(op, ms);
  }

  /** Deliver the next `count` webhook events twice, with the same X-Webhook-Id and body. */
  duplicateWebhooks(count = 1): void {
    this.duplicateWebhookCount += count;
  }

  /** Wait `ms` before delivering each webhook (0 turns it off). */
  delayWebhooks(ms: number): void {
    this.webhookDelayMs = ms;
  }

  /**
   * Deliver the next `count` webhook events out of order: they are held in batches of `batch` (at most
   * a second) and each batch goes out last first, one delivery after the other.
   */
  reorderWebhooks(count = 2, batch = Math.min(count, 2)): void {
    this.reorderWebhookCount += count;
    this.reorderWebhookBatch = Math.max(2, batch);
  }

  /**
   * A fault for the next `count` (default 1) before-send hook calls, applied by the hook caller
   * (before-send.ts) whatever set it (the `stream:hook:…` fault rules, the admin route, a test):
   * - `delayMs`: the call takes that much longer, counted against the hook's attempt timeout (1500 ms
   *   unless the app sets another); at or past it the call times out without reaching the hook;
   * - `status`: the call fails as if the hook had answered it, without reaching the hook;
   * - `timeout`: the call waits out the attempt timeout and fails, without reaching the hook.
   * Every failure fails open, as Stream does: the message is stored, marked `before_message_send_failed`.
   */
  hookFault(spec: HookFault): void {
    this.hookFaults.push({ ...spec, remaining: spec.count ?? 1 });
  }

  /** The hook fault to apply to this call, if any (consumed). */
  takeHookFault(): HookFault | undefined {
    const hit = this.hookFaults[0];
    if (!hit) return undefined;
    hit.remaining -= 1;
    if (hit.remaining <= 0) this.hookFaults.shift();
    return hit;
  }

  /** Every knob that is set, one line each (for the admin route and the CLI). */
  describe(): string[] {
    const out: string[] = [];
    for (const p of this.pending) out.push(`${p.op}: next ${p.remaining} answer ${p.status ?? 429}`);
    for (const [op, r] of this.rates) out.push(`${op}: ${Math.round(r.rate * 100)}% answer ${r.status ?? 429}`);
    for (const [op, ms] of this.delays) out.push(`${op}: answers after ${ms} ms`);
    if (this.duplicateWebhookCount) out.push(`webhook: next ${this.duplicateWebhookCount} events delivered twice`);
    if (this.reorderWebhookCount) out.push(`webhook: next ${this.reorderWebhookCount} events delivered out of order`);
    if (this.webhookDelayMs) out.push(`webhook: deliveries wait ${this.webhookDelayMs} ms`);
    for (const h of this.hookFaults) {
      const what = h.timeout ? 'time out' : h.status ? `fail with ${h.status}` : `answer after ${h.delayMs ?? 0} ms`;
      out.push(`hook: next ${h.remaining} before-send calls ${what}`);
    }
    return out;
  }

  clear(): void {
    this.pending = [];
    this.rates.clear();
    this.delays.clear();
    this.duplicateWebhookCount = 0;
    this.webhookDelayMs = 0;
    this.reorderWebhookCount = 0;
    this.hookFaults = [];
  }

  /** Consumes and returns the failure to answer for this call of `op`, if any. */
  take(op: string): FailSpec | undefined {
    const hit = this.pending.find((p) => p.op === op || p.op === '*');
    if (hit) {
      hit.remaining -= 1;
      if (hit.remaining <= 0) this.pending.splice(this.pending.indexOf(hit), 1);
      return hit;
    }
    const rate = this.rates.get(op) ?? this.rates.get('*');
    if (rate && rate.next() < rate.rate) return rate;
    return undefined;
  }

  delayFor(op: string): number {
    return this.delays.get(op) ?? this.delays.get('*') ?? 0;
  }

  /** True when this event is one of those to deliver out of order (consumed). */
  takeReorder(): boolean {
    if (this.reorderWebhookCount <= 0) return false;
    this.reorderWebhookCount -= 1;
    return true;
  }

  takeDuplicate(): boolean {
    if (this.duplicateWebhookCount <= 0) return false;
    this.duplicateWebhookCount -= 1;
    return true;
  }
}

export interface EndpointCount { total: number; ok: number; failed: number }

/** Per-endpoint request counts: "how many SendMessage calls were answered 2xx". */
export class RequestStats {
  private readonly map = new Map<string, EndpointCount>();
  record(op: string, status: number): void {
    const c = this.map.get(op) ?? { total: 0, ok: 0, failed: 0 };
    c.total += 1;
    if (status < 400) c.ok += 1;
    else c.failed += 1;
    this.map.set(op, c);
  }
  /** Calls to `op` (all of them, or only those answered 2xx / with an error). */
  count(op: string, which: keyof EndpointCount = 'total'): number {
    return this.map.get(op)?.[which] ?? 0;
  }
  counts(): Record<string, EndpointCount> {
    return Object.fromEntries([...this.map].map(([k, v]) => [k, { ...v }]));
  }
  reset(): void {
    this.map.clear();
  }
}

/** Stream's default server-side limits per minute (reference §4); unlisted endpoints get 1000. */
const LIMITS: Record<string, number> = {
  GetOrCreateChannel: 10000, GetApp: 10000, MarkRead: 10000, QueryChannels: 10000, SendEvent: 10000,
  DeleteMessage: 1000, DeleteReaction: 1000, GetMessage: 1000, QueryUsers: 1000, SendMessage: 1000, SendReaction: 1000, UpdateMessage: 1000, UpdateMessagePartial: 1000,
  Ban: 300, Flag: 300, Unban: 300, UpdateChannel: 300, UpdateChannelPartial: 300, UpdateUsers: 300, UpdateUsersPartial: 300,
  CreateChannelType: 60, DeleteChannel: 60, GetChannelType: 60, ListChannelTypes: 60, TruncateChannel: 60, UpdateApp: 60,
};

/** Tracks a one-minute window per endpoint for the X-RateLimit-* headers (reported, not enforced). */
export class RateWindow {
  private readonly windows = new Map<string, { resetAt: number; used: number }>();
  headers(op: string, nowMs: number): Record<string, string> {
    const limit = LIMITS[op] ?? 1000;
    let w = this.windows.get(op);
    if (!w || w.resetAt * 1000 <= nowMs) {
      w = { resetAt: Math.floor(nowMs / 60000) * 60 + 60, used: 0 };
      this.windows.set(op, w);
    }
    w.used += 1;
    return {
      'X-RateLimit-Limit': String(limit),
      'X-RateLimit-Remaining': String(Math.max(0, limit - w.used)),
      'X-RateLimit-Reset': String(w.resetAt),
    };
  }
  snapshot(nowMs: number): Record<string, { limit: number; remaining: number; reset: number }> {
    const out: Record<string, { limit: number; remaining: number; reset: number }> = {};
    for (const [op, limit] of Object.entries(LIMITS)) {
      const w = this.windows.get(op);
      const live = w && w.resetAt * 1000 > nowMs;
      out[op] = { limit, remaining: live ? Math.max(0, limit - w.used) : limit, reset: live ? w.resetAt : Math.floor(nowMs / 60000) * 60 + 60 };
    }
    return out;
  }
}
