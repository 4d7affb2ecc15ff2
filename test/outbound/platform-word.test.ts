/**
 * Outbound follows what the platform says: Stream's X-RateLimit-Limit replaces a default limit (never one
 * set in bot.config.ts), X-RateLimit-Remaining: 0 holds the whole kind until the reset, a 429 is waited out, and ACS
 * typing and read receipts are skipped (said once) in threads of more than 20 participants.
 */
import { describe, expect, it } from 'vitest';
import type { Adapter, ConversationRef, RateLimitReport } from '../../src/adapters/adapter.ts';
import { PlatformError } from '../../src/errors.ts';
import { configuredLimits } from '../../src/outbound/limits.ts';
import { createOutbound } from '../../src/outbound/outbound.ts';
import { silentLogger } from '../../src/runtime/log.ts';

const channel: ConversationRef = { platform: 'stream', id: 'messaging:general' };

function fakeTime() {
  let t = 0;
  const sleeps: number[] = [];
  return { now: () => t, sleep: async (ms: number) => void (sleeps.push(ms), (t += ms)), sleeps, advance: (ms: number) => void (t += ms) };
}

/** A Stream-like adapter whose answers carry rate-limit headers the test chooses. */
function reportingAdapter() {
  let listener: ((r: RateLimitReport) => void) | undefined;
  const adapter = { platform: 'stream', onRateLimit: (l: (r: RateLimitReport) => void) => void (listener = l) } as unknown as Adapter;
  return { adapter, report: (r: RateLimitReport) => listener?.(r) };
}

describe('outbound follows the platform', () => {
  it('X-RateLimit-Limit replaces the default: 60/min reported → paced to 60/min', async () => {
    const time = fakeTime();
    const out = createOutbound({ now: time.now, sleep: time.sleep });
    const { adapter, report } = reportingAdapter();
    await out.run(adapter, 'send', channel, async () => report({ kind: 'send', limit: 60, remaining: 59 }));
    const at: number[] = [];
    for (let i = 0; i < 120; i++) await out.run(adapter, 'send', channel, async () => void at.push(time.now()));
    const most = Math.max(...at.map((t) => at.filter((u) => u >= t && u < t + 60_000).length));
    expect(most).toBeLessThanOrEqual(60);
    expect(time.now()).toBeGreaterThan(60_000); // the default (1000/min) would have sent all 120 at once
  });

  it('a limit set in bot.config.ts is kept whatever the headers say', async () => {
    const time = fakeTime();
    const out = createOutbound({ now: time.now, sleep: time.sleep, limits: configuredLimits({ stream: { send: { perMinute: 100_000 } } }) });
    const { adapter, report } = reportingAdapter();
    for (let i = 0; i < 50; i++) await out.run(adapter, 'send', channel, async () => report({ kind: 'send', limit: 60, remaining: 0, resetAtMs: time.now() + 30_000 }));
    expect(time.sleeps).toEqual([]);
  });

  it('X-RateLimit-Remaining: 0 holds the kind until X-RateLimit-Reset; other kinds go on', async () => {
    const time = fakeTime();
    const out = createOutbound({ now: time.now, sleep: time.sleep });
    const { adapter, report } = reportingAdapter();
    await out.run(adapter, 'send', channel, async () => report({ kind: 'send', limit: 1000, remaining: 0, resetAtMs: 7_000 }));
    await out.run(adapter, 'markRead', channel, async () => undefined);
    expect(time.now()).toBe(0);
    await out.run(adapter, 'send', channel, async () => undefined);
    expect(time.now()).toBe(7_000);
  });

  it("Stream's AI indicator events and typing are both SendEvent: one endpoint's limit, so a hold on one holds the other", async () => {
    const time = fakeTime();
    const out = createOutbound({ now: time.now, sleep: time.sleep });
    const { adapter, report } = reportingAdapter();
    await out.run(adapter, 'typing', channel, async () => report({ kind: 'typing', limit: 10_000, remaining: 0, resetAtMs: 4_000 }));
    await out.run(adapter, 'aiIndicator', channel, async () => undefined);
    expect(time.now()).toBe(4_000);
  });

  it('a 429 is waited out by the call that got it, for exactly the time asked; the next call goes at once', async () => {
    const time = fakeTime();
    const out = createOutbound({ now: time.now, sleep: time.sleep });
    const { adapter } = reportingAdapter();
    let calls = 0;
    await out.run(adapter, 'send', channel, async () => {
      if (++calls === 1) throw new PlatformError('stream', 'slow down', { status: 429, retryAfterMs: 4000 });
    });
    expect(calls).toBe(2);
    expect(time.sleeps).toEqual([4000]);
    await out.run(adapter, 'send', channel, async () => undefined);
    expect(time.sleeps).toEqual([4000]);
  });

  it('ACS: typing and read receipts are skipped in threads of 21+ participants, said once per thread; sends are not', async () => {
    const lines: string[] = [];
    const log = Object.assign(Object.create(silentLogger), { info: (_o: unknown, msg: string) => void lines.push(msg) });
    const skipped: string[] = [];
    const out = createOutbound({ log, observer: { skipped: (_p, kind, reason) => void skipped.push(`${kind}:${reason}`) } });
    const sizes: Record<string, number> = { big: 25, small: 20 };
    const acs = { platform: 'acs', participantCount: async (c: ConversationRef) => sizes[c.id] } as unknown as Adapter;
    const made: string[] = [];
    for (const id of ['big', 'small']) {
      const conversation: ConversationRef = { platform: 'acs', id };
      await out.run(acs, 'typing', conversation, async () => void made.push(`typing:${id}`));
      await out.run(acs, 'markRead', conversation, async () => void made.push(`markRead:${id}`));
      await out.run(acs, 'send', conversation, async () => void made.push(`send:${id}`));
    }
    expect(made).toEqual(['send:big', 'typing:small', 'markRead:small', 'send:small']);
    expect(skipped).toEqual(['typing:large-thread', 'markRead:large-thread']);
    expect(lines.filter((l) => /more than 20 participants/.test(l))).toHaveLength(1);
  });
});
