import { describe, expect, it } from 'vitest';
import type { Adapter, ConversationRef } from '../../src/adapters/adapter.ts';
import { PlatformError } from '../../src/errors.ts';
import { configuredLimits, defaultLimits, type KindLimit } from '../../src/outbound/limits.ts';
import { bucketFor } from '../../src/outbound/limiter.ts';
import { createOutbound } from '../../src/outbound/outbound.ts';
import { TokenBucket } from '../../src/outbound/token-bucket.ts';

const conv: ConversationRef = { platform: 'acs', id: 'thread-1' };
const adapter = (platform: 'stream' | 'acs') => ({ platform }) as Adapter;

/** A clock that only moves when the code under test sleeps. */
function fakeTime() {
  let t = 0;
  const sleeps: number[] = [];
  return { now: () => t, sleep: async (ms: number) => void (sleeps.push(ms), (t += ms)), sleeps };
}

describe('token bucket', () => {
  it('lets a burst through, then paces at the rate', () => {
    let t = 0;
    const bucket = new TokenBucket({ limit: 60, windowMs: 60_000, burst: 2 }, () => t);
    expect([bucket.reserve(), bucket.reserve(), bucket.reserve(), bucket.reserve()]).toEqual([0, 0, 1000, 2000]);
    t += 5000;
    expect(bucket.reserve()).toBe(0);
  });
});

/** A sleep that never ends by itself: a wait in it ends only by its abort. */
const forever = (sleeps: number[]) => (ms: number) => (sleeps.push(ms), new Promise<void>(() => {}));

describe('bucketFor', () => {
  /** Most calls in any rolling `windowMs` when callers take every token as soon as the bucket gives it, for two minutes. */
  function busiest(burst: number | undefined, windowMs: number): number {
    return busiestUnder(configuredLimits({ acs: { send: { perMinute: 30, ...(burst ? { burst } : {}) } } }).acs!.send!, windowMs);
  }
  function busiestUnder(limit: KindLimit, windowMs: number): number {
    let t = 0;
    const bucket = new TokenBucket(bucketFor(limit), () => t);
    const at: number[] = [];
    while (t < 120_000) {
      t += bucket.reserve();
      at.push(t);
    }
    let most = 0;
    for (let i = 0, j = 0; i < at.length; i++) {
      while (at[i]! - at[j]! >= windowMs) j++;
      most = Math.max(most, i - j + 1);
    }
    return most;
  }

  it("Stream's default limits keep every second within a thirtieth of the minute (its per-second limit), and every minute within the minute's", () => {
    for (const [kind, limit] of Object.entries(defaultLimits.stream)) {
      const second = busiestUnder(limit, 1000);
      expect({ kind, second, minute: busiestUnder(limit, 60_000) <= limit.limit }).toEqual({ kind, second: Math.min(second, Math.floor(limit.limit / 30)), minute: true });
    }
    // 1,000 sends a minute: 16 at once (not 100), then ~16 a second.
    expect(bucketFor(defaultLimits.stream.send!).burst).toBe(16);
  });

  it('a raised ACS limit raises its short window with it: 60,000 a minute with a burst of 1,000 sends 1,000 at once', () => {
    const raised = configuredLimits({ acs: { send: { perMinute: 60_000, burst: 1000 } } }).acs!.send!;
    expect(raised.short).toEqual({ limit: 20_000, windowMs: 10_000 });
    let t = 0;
    const bucket = new TokenBucket(bucketFor(raised), () => t);
    const waits = Array.from({ length: 2000 }, () => bucket.reserve());
    expect(waits.slice(0, 1000).every((w) => w === 0)).toBe(true);
    expect(waits.at(-1)).toBeLessThan(1100); // the next thousand at ~1,000 a second
  });

  it('keeps ACS sends within 10 per 10 s and 30 per minute per thread, whatever burst is configured', () => {
    for (const burst of [undefined, 1, 5, 9, 10, 15, 100]) {
      expect({ burst, tenSeconds: busiest(burst, 10_000) <= 10, minute: busiest(burst, 60_000) <= 30 }).toEqual({ burst, tenSeconds: true, minute: true });
    }
  });
});

describe('outbound and ctx.signal', () => {
  it('an aborted signal starts nothing: no call, not even the ACS participant count behind typing', async () => {
    let asked = 0;
    const acs = { platform: 'acs', participantCount: async () => (asked++, 3) } as unknown as Adapter;
    const out = createOutbound();
    const signal = AbortSignal.abort(new Error('handler timed out'));
    let calls = 0;
    await expect(out.run(acs, 'typing', conv, async () => void calls++, { signal })).rejects.toThrow('handler timed out');
    expect([calls, asked]).toEqual([0, 0]);
  });

  it('a call waiting for its rate-limit slot ends at the abort and never runs', async () => {
    const sleeps: number[] = [];
    const out = createOutbound({ now: () => 0, sleep: forever(sleeps) });
    let calls = 0;
    // ACS lets a burst of 5 sends per thread through at once; the 6th waits for a slot.
    for (let i = 0; i < 5; i++) await out.run(adapter('acs'), 'send', conv, async () => void calls++);
    const abort = new AbortController();
    const sixth = out.run(adapter('acs'), 'send', conv, async () => void calls++, { signal: abort.signal });
    await waitUntil(() => sleeps.length === 1);
    abort.abort(new Error('handler timed out'));
    await expect(sixth).rejects.toThrow('handler timed out');
    expect(calls).toBe(5);
  });

  it('an abort during a retry\'s backoff: no retry', async () => {
    const sleeps: number[] = [];
    const out = createOutbound({ now: () => 0, sleep: forever(sleeps) });
    const abort = new AbortController();
    let calls = 0;
    const run = out.run(adapter('stream'), 'send', conv, async () => {
      calls++;
      throw new PlatformError('stream', 'down', { status: 503 });
    }, { signal: abort.signal });
    await waitUntil(() => sleeps.length === 1);
    abort.abort(new Error('handler timed out'));
    await expect(run).rejects.toThrow('handler timed out');
    expect(calls).toBe(1);
  });
});

/** Lets the code under test run until `check` holds (microtasks and immediates; no clock involved). */
async function waitUntil(check: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !check(); i++) await new Promise((r) => setImmediate(r));
  expect(check()).toBe(true);
}

describe('outbound', () => {
  it('paces ACS sends per thread within both documented limits (10 per 10 s, 30 per minute), edits and deletes counted with them', async () => {
    const time = fakeTime();
    const out = createOutbound({ now: time.now, sleep: time.sleep });
    const at: number[] = [];
    for (let i = 0; i < 40; i++) await out.run(adapter('acs'), i % 3 === 0 ? 'send' : i % 3 === 1 ? 'edit' : 'delete', conv, async () => void at.push(time.now()));
    const most = (windowMs: number) => Math.max(...at.map((t) => at.filter((u) => u >= t && u < t + windowMs).length));
    expect(most(10_000)).toBeLessThanOrEqual(10);
    expect(most(60_000)).toBeLessThanOrEqual(30);
    expect(at.filter((t) => t === 0)).toHaveLength(5); // a burst of half the 10-second limit goes at once
    // Another thread has its own limit.
    const before = time.sleeps.length;
    await out.run(adapter('acs'), 'send', { platform: 'acs', id: 'thread-2' }, async () => 0);
    expect(time.sleeps).toHaveLength(before);
  });

  it('waits out a 429 for exactly the time the platform asked, once, then succeeds', async () => {
    const time = fakeTime();
    const retries: number[] = [];
    const out = createOutbound({ now: time.now, sleep: time.sleep, observer: { retry: (_p, _k, e) => void retries.push(e.status!) } });
    let calls = 0;
    const result = await out.run(adapter('stream'), 'send', conv, async () => {
      if (++calls === 1) throw new PlatformError('stream', 'rate limited', { status: 429, retryAfterMs: 1500 });
      return 'sent';
    });
    expect(result).toBe('sent');
    expect(calls).toBe(2);
    expect(time.sleeps).toEqual([1500]);
    expect(retries).toEqual([429]);
  });

  it('backs off exponentially on 5xx, and gives up after the last attempt', async () => {
    const time = fakeTime();
    const out = createOutbound({ now: time.now, sleep: time.sleep, retry: { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 10_000 } });
    let calls = 0;
    await expect(out.run(adapter('stream'), 'send', conv, async () => {
      calls++;
      throw new PlatformError('stream', 'down', { status: 503 });
    })).rejects.toThrow(/down/);
    expect(calls).toBe(4);
    expect(time.sleeps).toHaveLength(3);
    time.sleeps.forEach((ms, i) => {
      expect(ms).toBeGreaterThanOrEqual(50 * 2 ** i);
      expect(ms).toBeLessThanOrEqual(100 * 2 ** i);
    });
  });

  it('does not retry a 400 or a non-platform error', async () => {
    const time = fakeTime();
    const out = createOutbound({ now: time.now, sleep: time.sleep });
    let calls = 0;
    await expect(out.run(adapter('stream'), 'send', conv, async () => {
      calls++;
      throw new PlatformError('stream', 'bad input', { status: 400 });
    })).rejects.toThrow(/bad input/);
    await expect(out.run(adapter('stream'), 'send', conv, async () => {
      calls++;
      throw new TypeError('bug');
    })).rejects.toThrow(TypeError);
    expect(calls).toBe(2);
    expect(time.sleeps).toEqual([]);
  });

  it('limits from bot.config.ts replace the defaults and keep their scope', () => {
    const limits = configuredLimits({ stream: { send: { perMinute: 6000, burst: 500 } }, acs: { typing: { perMinute: 60 } } });
    expect(limits.stream?.send).toEqual({ limit: 6000, windowMs: 60_000, burst: 500, scope: 'app' });
    // Typing's documented 15 a minute and 5 per 10 s: four times the minute is four times the short window.
    expect(limits.acs?.typing).toEqual({ limit: 60, windowMs: 60_000, scope: 'conversation', short: { limit: 20, windowMs: 10_000 } });
    expect(defaultLimits.stream.send?.limit).toBe(1000);
  });
});
