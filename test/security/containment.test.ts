/**
 * A careless bot cannot take the runtime or its neighbours down: a timed-out handler never runs beside
 * its retry and cannot post once abandoned; process.exit() is refused naming the bot; memory-store
 * state is capped per bot. Through botyard/testing (the real dispatcher, queue and outbound layer).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { defineBot } from '../../src/index.ts';
import { createLoopMonitor, type LoopStall } from '../../src/runtime/loop-monitor.ts';
import { createOverrunGuard } from '../../src/runtime/overrun-guard.ts';
import { runHandler } from '../../src/runtime/run-handler.ts';
import { silentLogger } from '../../src/runtime/log.ts';
import { createMemoryStore } from '../../src/state/memory.ts';
import { createTestRuntime, type TestRuntime } from '../../src/testing/index.ts';
import { waitFor } from '../helpers/wait.ts';

let t: TestRuntime | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

describe('a timed-out handler', () => {
  it('never runs twice at once, and cannot post after it was abandoned', async () => {
    let active = 0;
    let maxActive = 0;
    let starts = 0;
    const lateSends: string[] = [];
    const slow = defineBot({
      name: 'slow',
      setup(bot) {
        bot.onMessage(async (ctx) => {
          starts++;
          active++;
          maxActive = Math.max(maxActive, active);
          try {
            // Ignores ctx.signal on purpose: 4x its timeout.
            await new Promise((r) => setTimeout(r, 800));
            await ctx.reply('late answer').catch((err: Error) => void lateSends.push(err.name));
          } finally {
            active--;
          }
        });
      },
    });
    t = await createTestRuntime({ bots: [slow], maxAttempts: 3, config: { handlerTimeoutMs: 200 } });
    await t.user('kim').say('room', 'hello');
    await waitFor(() => active === 0 && starts > 0, { timeoutMs: 10_000, what: 'every copy settled' });
    const refused = t.runs.filter((r) => r.error?.startsWith('not started')).length;
    console.log(`timed-out handler: ${starts} started, at most ${maxActive} at once, ${refused} retries refused while the copy ran, ${lateSends.length} late sends refused (${lateSends.join(',')}), ${t.botMessages('room').length} posted`);
    expect(maxActive).toBe(1);
    expect(t.botMessages('room')).toHaveLength(0);
    expect(lateSends.every((n) => n === 'HandlerTimeoutError')).toBe(true);
  });

  it('a retry waits for the timed-out copy to end, then runs: one answer', async () => {
    let active = 0;
    let maxActive = 0;
    let attempt = 0;
    const bot = defineBot({
      name: 'once-slow',
      setup(b) {
        b.onMessage(async (ctx) => {
          const mine = ++attempt;
          active++;
          maxActive = Math.max(maxActive, active);
          try {
            if (mine === 1) await new Promise((r) => setTimeout(r, 300)); // past the 200 ms timeout
            else await ctx.reply('answer');
          } finally {
            active--;
          }
        });
      },
    });
    t = await createTestRuntime({ bots: [bot], maxAttempts: 3, config: { handlerTimeoutMs: 200 } });
    await t.user('kim').say('room', 'hello');
    await waitFor(() => t!.botMessages('room').length === 1, { timeoutMs: 10_000, what: 'the answer' });
    expect(maxActive).toBe(1);
    expect(attempt).toBe(2);
  });

  it('is seen by other instances: their retry refuses while the copy runs (store marker)', async () => {
    const store = createMemoryStore();
    const a = createOverrunGuard({ store, log: silentLogger });
    const b = createOverrunGuard({ store, log: silentLogger });
    let finish!: () => void;
    const settled = new Promise<void>((r) => (finish = r));
    a.overran('ev-1:bot:0', settled);
    await waitFor(async () => (await store.get('overrun:ev-1:bot:0')) !== undefined, { what: 'the marker' });
    expect(await b.clear('ev-1:bot:0', 10, { askStore: true })).toMatch(/still running on another instance/);
    finish();
    await waitFor(async () => (await b.clear('ev-1:bot:0', 10, { askStore: true })) === undefined, { what: 'the marker removed' });
  });
});

describe('process.exit() from a bot', () => {
  it('is refused with an error naming the bot; the runtime and the other bots go on', async () => {
    const exiter = defineBot({ name: 'exiter', setup: (b) => void b.onMessage(() => process.exit(3)) });
    const laterExiter = defineBot({
      name: 'later-exiter',
      setup: (b) =>
        void b.onMessage(async () => {
          await new Promise((r) => setTimeout(r, 5));
          process.exit(4);
        }),
    });
    const calm = defineBot({ name: 'calm', setup: (b) => void b.onMessage((ctx) => ctx.reply('still here')) });
    t = await createTestRuntime({ bots: [exiter, laterExiter, calm] });
    await t.user('kim').say('room', 'bye');
    const errors = t.runs.filter((r) => r.error).map((r) => `${r.bot}: ${r.error}`);
    expect(errors).toEqual(
      expect.arrayContaining([expect.stringContaining("exiter: bot 'exiter' called process.exit(3)"), expect.stringContaining("later-exiter: bot 'later-exiter' called process.exit(4)")]),
    );
    expect(t.botMessages('room').map((m) => m.text)).toEqual(['still here']);
  });

  it('is refused in setup() too: the bot is reported as not loaded', async () => {
    const bad = defineBot({ name: 'bad-setup', setup: () => void process.exit(1) });
    await expect(createTestRuntime({ bots: [bad] })).rejects.toThrow(/bad-setup.*process\.exit\(1\)/s);
  });
});

describe('memory-store state per bot', () => {
  it('is capped with a clear error; the cap frees as keys are deleted; other bots are unaffected', async () => {
    let stored = 0;
    let error: Error | undefined;
    const hoarder = defineBot({
      name: 'hoarder',
      setup: (b) =>
        void b.onMessage(async (ctx) => {
          try {
            for (let i = 0; i < 1_000_000; i++) {
              await ctx.store.set(`k${i}`, { i, pad: 'x'.repeat(100) });
              stored++;
            }
          } catch (err) {
            error = err as Error;
          }
        }),
    });
    const neighbour = defineBot({ name: 'neighbour', setup: (b) => void b.onMessage(async (ctx) => void (await ctx.store.set('mine', 1))) });
    const heapBefore = process.memoryUsage().heapUsed;
    t = await createTestRuntime({ bots: [hoarder, neighbour] });
    await t.user('kim').say('room', 'fill it');
    const heapMb = Math.round((process.memoryUsage().heapUsed - heapBefore) / 1e6);
    console.log(`memory store: a bot writing 1,000,000 keys stopped at ${stored} (default cap 10,000): heap +${heapMb} MB; error: ${error?.message.slice(0, 120)}…`);
    expect(stored).toBe(10_000);
    expect(error?.name).toBe('StoreLimitError');
    expect(error?.message).toMatch(/hoarder.*10000 keys.*memoryStoreMaxKeysPerBot/);
    expect(t.runs.filter((r) => r.bot === 'neighbour' && !r.error)).toHaveLength(1);
  });

  it('counts bytes too, and overwrites and deletes make room', async () => {
    const results: string[] = [];
    const bot = defineBot({
      name: 'big',
      setup: (b) =>
        void b.onMessage(async (ctx) => {
          const attempt = (what: string, p: Promise<unknown>) => p.then(() => results.push(`${what}:ok`), (e: Error) => results.push(`${what}:${e.name}`));
          await attempt('a', ctx.store.set('a', 'x'.repeat(600)));
          await attempt('b', ctx.store.set('b', 'x'.repeat(600))); // 1,200 bytes > 1,000
          await attempt('a-smaller', ctx.store.set('a', 'x'.repeat(100)));
          await attempt('b-again', ctx.store.set('b', 'x'.repeat(600)));
          await ctx.store.delete('a');
          await attempt('c', ctx.store.set('c', 'x'.repeat(300)));
          await attempt('c-grown-by-update', ctx.store.update<string>('c', (old) => `${old}${'y'.repeat(600)}`));
          await attempt('c-shrunk-by-update', ctx.store.update<string>('c', () => 'z'));
        }),
    });
    t = await createTestRuntime({ bots: [bot], config: { containment: { memoryStoreMaxBytesPerBot: 1000 } } });
    await t.user('kim').say('room', 'go');
    expect(results).toEqual(['a:ok', 'b:StoreLimitError', 'a-smaller:ok', 'b-again:ok', 'c:ok', 'c-grown-by-update:StoreLimitError', 'c-shrunk-by-update:ok']);
  });
});

describe('event-loop stall attribution', () => {
  const spin = (ms: number) => {
    const until = performance.now() + ms;
    while (performance.now() < until) {
      // blocks the loop
    }
  };
  /** Two handlers in flight; `a` blocks 300 ms after an await (not in its first slice), `b` just waits. */
  async function stallWith(exact: boolean) {
    const monitor = createLoopMonitor({ warnMs: 150, exact, log: silentLogger, tickMs: 20 });
    const stalls: LoopStall[] = [];
    monitor.on('stall', (s) => stalls.push(s));
    monitor.start();
    try {
      const b = runHandler({ bot: 'b', label: 'waits', timeoutMs: 5_000, invoke: () => new Promise((r) => setTimeout(r, 600)) });
      const a = runHandler({
        bot: 'a',
        label: 'blocks',
        timeoutMs: 5_000,
        invoke: async () => {
          await new Promise((r) => setTimeout(r, 30));
          spin(300);
        },
      });
      await Promise.all([a, b]);
      await waitFor(() => stalls[0], { what: 'the stall report' });
      return stalls[0]!;
    } finally {
      monitor.stop();
    }
  }

  it('in-flight (default): charges every handler in flight when the block came after an await', async () => {
    const stall = await stallWith(false);
    expect(stall.exact).toBe(false);
    expect(stall.handlers.map((h) => h.bot).sort()).toEqual(['a', 'b']);
  });

  it('exact (async_hooks): charges only the handler whose callback ran long', async () => {
    const stall = await stallWith(true);
    console.log(`stall of ${stall.ms} ms charged exactly to ${stall.handlers.map((h) => `${h.bot}/${h.label}`).join(', ')}`);
    expect(stall.exact).toBe(true);
    expect(stall.handlers).toEqual([{ bot: 'a', label: 'blocks' }]);
  });
});
