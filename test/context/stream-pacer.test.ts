/** Pacing of partial updates: interval, one in flight, the shared budget, coalescing. Fake timers and clock. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PartialUpdatePacer } from '../../src/context/stream-pacer.ts';
import { createStreamingServices } from '../../src/context/streaming.ts';

afterEach(() => {
  vi.useRealTimers();
});

function pacer(options: { intervalMs?: number; take?: () => boolean; hold?: boolean } = {}) {
  const sent: string[] = [];
  const pending: Array<() => void> = [];
  const p = new PartialUpdatePacer({
    intervalMs: options.intervalMs ?? 100,
    take: options.take ?? (() => true),
    send: (text) => {
      sent.push(text);
      return options.hold ? new Promise<void>((resolve) => pending.push(resolve)) : Promise.resolve();
    },
    onError: () => undefined,
  });
  return { p, sent, pending };
}

describe('PartialUpdatePacer', () => {
  it('sends the first text at once, then at most one update per interval carrying the latest text', async () => {
    vi.useFakeTimers();
    const { p, sent } = pacer();
    p.offer('a');
    p.offer('a b');
    p.offer('a b c');
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toEqual(['a']);
    await vi.advanceTimersByTimeAsync(99);
    expect(sent).toEqual(['a']);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent).toEqual(['a', 'a b c']);
    await vi.advanceTimersByTimeAsync(1000);
    expect(sent).toEqual(['a', 'a b c']);
    expect(p.updates).toBe(2);
    await p.close();
  });

  it('keeps one update in flight; close() waits for it', async () => {
    vi.useFakeTimers();
    const { p, sent, pending } = pacer({ hold: true, intervalMs: 10 });
    p.offer('one');
    await vi.advanceTimersByTimeAsync(50);
    p.offer('one two');
    await vi.advanceTimersByTimeAsync(50);
    expect(sent).toEqual(['one']);
    let closed = false;
    const closing = p.close().then(() => (closed = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(closed).toBe(false);
    pending[0]!();
    await closing;
    expect(sent).toEqual(['one']);
  });

  it('skips, never queues, while the shared budget is spent', async () => {
    vi.useFakeTimers();
    let allowed = false;
    const { p, sent } = pacer({ take: () => allowed, intervalMs: 100 });
    p.offer('x');
    p.offer('x y');
    await vi.advanceTimersByTimeAsync(500);
    expect(sent).toEqual([]);
    allowed = true;
    await vi.advanceTimersByTimeAsync(25);
    expect(sent).toEqual(['x y']);
    await p.close();
  });
});

describe('the shared partial-update budget', () => {
  it('allows the configured rate per platform, with a second of burst', () => {
    let now = 0;
    const services = createStreamingServices({ settings: { partialUpdatesPerMinute: 120 }, now: () => now });
    expect([1, 2, 3].map(() => services.takePartialUpdate('stream'))).toEqual([true, true, false]);
    expect(services.takePartialUpdate('local')).toBe(true);
    now += 500;
    expect(services.takePartialUpdate('stream')).toBe(true);
    expect(services.takePartialUpdate('stream')).toBe(false);
  });
});
