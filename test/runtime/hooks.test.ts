/**
 * Global hooks: `bot.use(middleware)` before each of the bot's handlers (it may stop them),
 * `bot.onError(handler)` after each failed run, and bot.config.ts `onError` for every bot; for events,
 * schedule ticks and one-off timers alike.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createTestRuntime, type TestRuntime } from 'botyard/testing';
import { defineBot } from 'botyard';
import type { FailureInfo } from '../../src/runtime/hooks.ts';
import { createLocalAdapter } from '../../src/adapters/local/local-adapter.ts';
import { loadConfig } from '../../src/config/load.ts';
import { createMemoryQueue } from '../../src/queue/memory.ts';
import { createRuntime } from '../../src/runtime/runtime.ts';
import { logLines } from '../helpers/log-lines.ts';

describe('hooks', () => {
  let t: TestRuntime;
  afterEach(() => t?.stop());

  it('middleware runs before each handler of its bot only, in order, and can stop it', async () => {
    const order: string[] = [];
    const gated = defineBot({
      name: 'gated',
      setup(bot) {
        bot.use(async (ctx, next) => {
          order.push(`mw1:${ctx.message?.text}`);
          if (ctx.sender.id === 'blocked') return;
          await next();
          order.push('mw1:after');
        });
        bot.use((_ctx, next) => {
          order.push('mw2');
          return next();
        });
        bot.onMessage((ctx) => {
          order.push('handler');
          return ctx.reply(`gated: ${ctx.message!.text}`);
        });
      },
    });
    const open = defineBot({ name: 'open', setup: (bot) => void bot.onMessage((ctx) => ctx.reply(`open: ${ctx.message!.text}`)) });
    t = await createTestRuntime({ bots: [gated, open] });

    await t.user('ann').say('c', 'one');
    expect(order).toEqual(['mw1:one', 'mw2', 'handler', 'mw1:after']);
    order.length = 0;
    await t.user('blocked').say('c', 'two');
    expect(order).toEqual(['mw1:two']);
    expect(t.botMessages('c').map((m) => m.text)).toEqual(['gated: one', 'open: one', 'open: two']);
    expect(t.runs.filter((r) => r.bot === 'gated').map((r) => r.skipped)).toEqual([undefined, 'middleware']);
  });

  it('middleware also runs before schedule handlers', async () => {
    const seen: string[] = [];
    const ticker = defineBot({
      name: 'ticker',
      setup(bot) {
        bot.use((ctx, next) => (ctx.event.type === 'schedule.tick' ? undefined : next()));
        bot.schedule('0 9 * * *', { name: 'morning', target: 'local:general' }, () => void seen.push('tick'));
      },
    });
    t = await createTestRuntime({ bots: [ticker] });
    await t.fireSchedule('morning');
    expect(seen).toEqual([]);
    expect(t.runs).toMatchObject([{ bot: 'ticker', skipped: 'middleware' }]);
  });

  it("onError hears each failed run of its bot, may answer the user, and a throwing hook is contained", async () => {
    const heard: FailureInfo[] = [];
    const config: FailureInfo[] = [];
    const failing = defineBot({
      name: 'failing',
      setup(bot) {
        bot.onError(() => {
          throw new Error('the hook itself broke');
        });
        bot.onError(async (error, ctx, info) => {
          heard.push(info);
          await ctx.reply(`sorry: ${(error as Error).message}`);
        });
        bot.command('boom', () => {
          throw new Error('kaput');
        });
        bot.command('slow', () => new Promise(() => {}));
      },
    });
    const fine = defineBot({ name: 'fine', setup: (bot) => void bot.onError(() => void heard.push({ bot: 'fine' } as FailureInfo)).onMessage(() => undefined) });
    t = await createTestRuntime({ bots: [failing, fine], maxAttempts: 2, config: { handlerTimeoutMs: 100, onError: (_e, info) => void config.push(info) } });

    await t.user('ann').say('c', '/boom');
    expect(heard).toEqual([
      { bot: 'failing', handler: 'command(/boom)', eventId: expect.any(String), attempt: 1, timedOut: false },
      { bot: 'failing', handler: 'command(/boom)', eventId: expect.any(String), attempt: 2, timedOut: false },
    ]);
    expect(config.map((i) => [i.bot, i.attempt, (i as FailureInfo & { conversation: string }).conversation])).toEqual([
      ['failing', 1, 'local:c'],
      ['failing', 2, 'local:c'],
    ]);
    // The retry's apology carries the same deterministic message id as the first: the user sees it once.
    expect(t.botMessages('c').map((m) => m.text)).toEqual(['sorry: kaput']);

    await t.user('ann').say('c', '/slow');
    expect(heard.at(-1)).toMatchObject({ handler: 'command(/slow)', timedOut: true });
  });

  it('timer handlers get the same: middleware first, then bot.onError and config onError per failed try, and where it failed', async () => {
    const order: string[] = [];
    const heard: FailureInfo[] = [];
    const config: FailureInfo[] = [];
    const later = defineBot({
      name: 'later',
      setup(bot) {
        bot.use(async (ctx, next) => {
          order.push(`mw:${ctx.timer?.name ?? ctx.event.type}`);
          if (ctx.timer?.name !== 'muted') await next();
        });
        bot.onError((_error, _ctx, info) => void heard.push(info));
        bot.command('later', async (ctx) => {
          await ctx.timers.schedule('muted', { in: '1m' });
          await ctx.timers.schedule('broken', { in: '2m' });
        });
        bot.timer('muted', () => void order.push('muted ran'));
        bot.timer('broken', () => {
          throw new Error('timer kaput');
        });
      },
    });
    t = await createTestRuntime({ bots: [later], config: { timers: { maxAttempts: 2, backoffMs: 1000 }, onError: (_e, info) => void config.push(info) } });
    await t.user('ann').say('c', '/later');
    await t.clock.advance('3m');

    expect(order).toEqual(['mw:message.new', 'mw:muted', 'mw:broken', 'mw:broken']);
    expect(heard).toEqual([
      { bot: 'later', handler: 'timer(broken)', eventId: expect.stringMatching(/^timer:later:/), attempt: 1, timedOut: false },
      { bot: 'later', handler: 'timer(broken)', eventId: expect.stringMatching(/^timer:later:/), attempt: 2, timedOut: false },
    ]);
    expect(config.map((i) => [i.handler, i.attempt, (i as FailureInfo & { conversation: string }).conversation])).toEqual([
      ['timer(broken)', 1, 'local:c'],
      ['timer(broken)', 2, 'local:c'],
    ]);
    const timerRuns = t.runs.filter((r) => r.handler.startsWith('timer('));
    expect(timerRuns[0]).toMatchObject({ handler: 'timer(muted)', skipped: 'middleware' });
    expect(timerRuns[1]).toMatchObject({ handler: 'timer(broken)', error: 'timer kaput', at: expect.stringMatching(/hooks\.test\.ts:\d+:\d+$/) });
  });

  it('bot.config.ts onError must be a function', async () => {
    await expect(createTestRuntime({ bots: [], config: { onError: 'page me' as never } })).rejects.toThrow(/onError: must be a function/);
  });

  it('a failing handler logs one concise entry (what and where), not one per retry; then one dead-letter entry', async () => {
    const { lines, log } = logLines('info');
    const config = await loadConfig({ env: {}, config: {} });
    const local = createLocalAdapter({ bot: config.bot });
    const queue = createMemoryQueue({ maxAttempts: 3, backoffMs: () => 0, log });
    const broken = defineBot({ name: 'broken', setup: (bot) => void bot.onMessage(() => JSON.parse('{')) });
    const runtime = await createRuntime({ config, adapters: [local], queue, log, bots: [broken], startSchedules: false });
    await runtime.start();
    await local.act.say('u', 'c', 'hi');
    await runtime.idle();
    await runtime.stop();
    const loud = lines.filter((l) => (l.level as number) >= 40).map((l) => l.msg);
    expect(loud).toEqual([expect.stringMatching(/^handler broken\/onMessage failed: SyntaxError: .*JSON.* at test\/runtime\/hooks\.test\.ts:\d+:\d+$/), 'event dead-lettered']);
  });
});
