/** Pacing of partial updates: interval, one in flight, the shared budget, coalescing. Fake timers and clock. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PartialUpdatePacer } from '../../src/context/stream-pacer.ts';
import { PartialUpdateBudget } from '../../src/context/stream-budget.ts';

afterEach(() => {
  vi.useRealTimers();
});

const always = (grant: () => void) => {
  grant();
  return () => undefined;
};

function pacer(options: { intervalMs?: number; request?: (grant: () => void) => () => void; hold?: boolean } = {}) {
  const sent: string[] = [];
  const pending: Array<() => void> = [];
  const p = new PartialUpdatePacer({
    intervalMs: options.intervalMs ?? 100,
    request: options.request ?? always,
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

  it('waits its turn for the shared budget and then sends the text as it is by then', async () => {
    vi.useFakeTimers();
    const turns: Array<() => void> = [];
    let cancelled = 0;
    const { p, sent } = pacer({ request: (grant) => (turns.push(grant), () => void cancelled++), intervalMs: 100 });
    p.offer('x');
    p.offer('x y');
    await vi.advanceTimersByTimeAsync(500);
    expect(sent).toEqual([]);
    expect(turns).toHaveLength(1);
    p.offer('x y z');
    turns[0]!();
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toEqual(['x y z']);
    p.offer('x y z w');
    await vi.advanceTimersByTimeAsync(100);
    expect(turns).toHaveLength(2);
    await p.close();
    expect(cancelled).toBe(1);
  });
});

describe('the shared partial-update budget', () => {
  it('gives the configured rate with a second of burst, in turn: the longest-waiting stream first', async () => {
    vi.useFakeTimers();
    const budget = new PartialUpdateBudget(120);
    const granted: string[] = [];
    for (const name of ['a', 'b', 'c', 'd']) budget.request(() => granted.push(name));
    expect(granted).toEqual(['a', 'b']);
    const cancelD = budget.request(() => granted.push('d2'));
    budget.request(() => granted.push('e'));
    cancelD();
    await vi.advanceTimersByTimeAsync(500);
    expect(granted).toEqual(['a', 'b', 'c']);
    await vi.advanceTimersByTimeAsync(1000);
    expect(granted).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(budget.queued).toBe(0);
  });
});
