/**
 * One-off timers through the runtime and the test kit: bot.timer, ctx.timers, ctx.timer, idempotent
 * ids, late policies, retries, and the kit clock that fires them with no sleeping.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createTestRuntime, type TestRuntime } from 'botyard/testing';
import { BotBuilder, defineBot, type Context } from 'botyard';
import type { TimerActivity } from '../../src/scheduler/timers/timers.ts';

describe('timers', () => {
  let t: TestRuntime;
  afterEach(() => t?.stop());

  /** `/later <in> <text>` schedules 'say'; the timer posts its text (and what it knows) where it was asked. */
  const later = defineBot({
    name: 'later',
    setup(bot) {
      bot.command('later', async (ctx) => {
        const [when, ...words] = ctx.command!.args;
        const id = await ctx.timers.schedule('say', { in: when! }, { text: words.join(' ') });
        await ctx.reply(`scheduled ${id}`);
      });
      bot.timer('say', (ctx) => ctx.send(`${(ctx.timer!.payload as { text: string }).text} (for ${ctx.timer!.user?.id}, late=${ctx.timer!.late}, try ${ctx.timer!.attempt})`));
    },
  });

  it('fires in the conversation it was scheduled from, at its time and not before, with ctx.timer', async () => {
    t = await createTestRuntime({ bots: [later] });
    const asked = t.clock.now();
    await t.user('lu', 'Lu').say('team', '/later 10m tea');
    const [info] = await t.runtime.timers.listAll();
    expect(info).toMatchObject({ bot: 'later', name: 'say', payload: { text: 'tea' }, user: { id: 'lu', name: 'Lu' }, conversation: { platform: 'local', id: 'team' }, state: 'pending' });
    expect(info!.dueAt.getTime()).toBe(asked + 600_000);
    await t.clock.advance('9m59s');
    expect(t.botMessages('team')).toHaveLength(1);
    await t.clock.advance('1s');
    expect(t.botMessages('team').map((m) => m.text)).toEqual([`scheduled ${info!.id}`, 'tea (for lu, late=false, try 1)']);
    expect(t.botMessages('team')[1]!.createdAt).toBe(new Date(asked + 600_000).toISOString());
    expect(await t.runtime.timers.listAll()).toEqual([]);
    expect(t.runs.at(-1)).toMatchObject({ bot: 'later', handler: 'timer(say)', eventId: `timer:later:${info!.id}` });
  });

  it('advance fires everything that falls due, in due order, each handler done before the next', async () => {
    const order: string[] = [];
    const bot = defineBot({
      name: 'seq',
      setup(b) {
        b.command('go', async (ctx) => {
          for (const [i, when] of ['30m', '10m', '20m', '2h'].entries()) await ctx.timers.schedule('step', { in: when }, i);
        });
        b.timer('step', async (ctx) => {
          order.push(`start ${ctx.timer!.payload}`);
          await new Promise((r) => setImmediate(r));
          order.push(`end ${ctx.timer!.payload}`);
        });
      },
    });
    t = await createTestRuntime({ bots: [bot] });
    await t.user('u').say('c', '/go');
    await t.clock.advance('1h');
    expect(order).toEqual(['start 1', 'end 1', 'start 2', 'end 2', 'start 0', 'end 0']);
    await t.clock.advance('1h');
    expect(order.at(-1)).toBe('end 3');
  });

  it('a retried event never schedules twice (ids derived from the event); a client id is idempotent too', async () => {
    let tries = 0;
    const bot = defineBot({
      name: 'retry',
      setup(b) {
        b.command('go', async (ctx) => {
          await ctx.timers.schedule('ping', { in: '1m' }, 'derived');
          await ctx.timers.schedule('ping', { in: '2m' }, 'mine', { id: 'fixed' });
          await ctx.timers.schedule('ping', { in: '3m' }, 'mine again', { id: 'fixed' });
          if (++tries < 3) throw new Error('platform hiccup');
        });
        b.timer('ping', (ctx) => ctx.send(String(ctx.timer!.payload)));
      },
    });
    t = await createTestRuntime({ bots: [bot], maxAttempts: 3 });
    await t.user('u').say('c', '/go');
    expect(tries).toBe(3);
    const pending = await t.runtime.timers.listAll();
    expect(pending.map((p) => p.payload)).toEqual(['derived', 'mine']);
    expect(pending[1]!.id).toBe('fixed');
    await t.clock.advance('5m');
    expect(t.botMessages('c').map((m) => m.text)).toEqual(['derived', 'mine']);
  });

  it('ctx.timers.list, get and cancel: this bot\'s own, by user and conversation', async () => {
    let ctxOf: Context | undefined;
    const bot = defineBot({
      name: 'mgr',
      setup(b) {
        b.command('add', (ctx) => ctx.timers.schedule('n', { in: ctx.command!.args[0]! }, null, { id: ctx.command!.args[1]! }));
        b.command('peek', (ctx) => void (ctxOf = ctx));
        b.timer('n', () => {});
      },
    });
    t = await createTestRuntime({ bots: [bot, later] });
    await t.user('ann').say('a', '/add 1h ann-a');
    await t.user('ann').say('b', '/add 30m ann-b');
    await t.user('bo').say('a', '/add 2h bo-a');
    await t.user('bo').say('a', '/later 5m not mine');
    await t.user('ann').say('a', '/peek');
    const ctx = ctxOf!;
    expect((await ctx.timers.list()).map((x) => x.id)).toEqual(['ann-b', 'ann-a', 'bo-a']);
    expect((await ctx.timers.list({ user: 'ann' })).map((x) => x.id)).toEqual(['ann-b', 'ann-a']);
    expect((await ctx.timers.list({ conversation: 'local:a' })).map((x) => x.id)).toEqual(['ann-a', 'bo-a']);
    expect((await ctx.timers.list({ user: ctx.sender, conversation: ctx.conversation })).map((x) => x.id)).toEqual(['ann-a']);
    expect(await ctx.timers.get('bo-a')).toMatchObject({ id: 'bo-a', name: 'n', user: { id: 'bo' } });
    expect(await ctx.timers.cancel('bo-a')).toBe(true);
    expect(await ctx.timers.cancel('bo-a')).toBe(false);
    expect(await ctx.timers.get('bo-a')).toBeUndefined();
  });

  it('refuses what it cannot keep, naming the fix', async () => {
    const errors: string[] = [];
    const bot = defineBot({
      name: 'bad',
      setup(b) {
        b.timer('known', () => {});
        b.command('try', async (ctx) => {
          const attempts: Array<() => Promise<unknown>> = [
            () => ctx.timers.schedule('unknown', { in: '1m' }),
            () => ctx.timers.schedule('known', { in: 'soon' }),
            () => ctx.timers.schedule('known', { at: 'next tuesday' }),
            () => ctx.timers.schedule('known', {} as never),
            () => ctx.timers.schedule('known', { in: '1m' }, { f: 1n }),
          ];
          for (const a of attempts) await a().then(() => errors.push('accepted'), (e: Error) => errors.push(e.message));
        });
      },
    });
    t = await createTestRuntime({ bots: [bot] });
    await t.user('u').say('c', '/try');
    expect(errors).toEqual([
      expect.stringMatching(/no bot.timer\('unknown'\) is registered.*bot.timer\('unknown', \(ctx\) =>/),
      expect.stringMatching(/'in'.*"soon" is not a duration.*'10m'/),
      expect.stringMatching(/'at' must be a Date, an ISO time/),
      expect.stringMatching(/say when, as \{ in: '10m' \}/),
      expect.stringMatching(/payload must be JSON/),
    ]);
    const builder = new BotBuilder('x').timer('a', () => {});
    expect(() => builder.timer('a', () => {})).toThrow(/timer\('a'\) is registered twice/);
    expect(() => builder.timer('b', { late: 'whenever' }, () => {})).toThrow(/late policy is 'fire', 'skip' or a maximum lateness/);
    expect(() => builder.timer('has space', () => {})).toThrow(/must be 1 to 100 letters/);
  });

  it('late timers: fired with late and lateByMs by default; skipped or bounded by policy, in code or config', async () => {
    const seen: string[] = [];
    const activity: TimerActivity[] = [];
    const bot = defineBot({
      name: 'lat',
      setup(b) {
        b.command('past', async (ctx) => {
          const at = new Date(t.clock.now() - 3 * 3_600_000);
          for (const name of ['fire', 'skip', 'upTo4h', 'upTo1h', 'configured']) await ctx.timers.schedule(name, { at }, name);
          await ctx.timers.schedule('skip', { at: new Date(t.clock.now() - 30_000) }, 'skip but only 30 s late');
        });
        const record = (ctx: Context) => void seen.push(`${ctx.timer!.payload}: late=${ctx.timer!.late} by ${ctx.timer!.lateByMs / 60_000}m`);
        b.timer('fire', record);
        b.timer('skip', { late: 'skip' }, record);
        b.timer('upTo4h', { late: '4h' }, record);
        b.timer('upTo1h', { late: 3_600_000 }, record);
        b.timer('configured', record);
      },
    });
    t = await createTestRuntime({ bots: [bot], config: { timers: { late: { 'lat/configured': 'skip' } } } });
    t.runtime.events.on('timer', (a) => activity.push(a));
    await t.user('u').say('c', '/past');
    await t.clock.advance(0);
    expect(seen.sort()).toEqual(['fire: late=true by 180m', 'skip but only 30 s late: late=false by 0.5m', 'upTo4h: late=true by 180m']);
    expect(activity.filter((a) => a.kind === 'skipped').map((a) => a.timer.payload).sort()).toEqual(['configured', 'skip', 'upTo1h']);
  });

  it('a failing handler is retried with backoff, then kept as failed; fire now runs it again', async () => {
    let failUntil = 3;
    let tries = 0;
    const bot = defineBot({
      name: 'flaky',
      setup(b) {
        b.command('go', (ctx) => ctx.timers.schedule('send', { in: '1m' }, null, { id: 'one' }));
        b.timer('send', async (ctx) => {
          if (++tries < failUntil) throw new Error(`platform down (${ctx.timer!.attempt})`);
          await ctx.send(`sent on try ${ctx.timer!.attempt}`);
        });
      },
    });
    t = await createTestRuntime({ bots: [bot], config: { timers: { backoffMs: 1000, maxAttempts: 3 } } });
    await t.user('u').say('c', '/go');
    await t.clock.advance('1m');
    expect(tries).toBe(1);
    expect(await t.runtime.timers.listAll()).toMatchObject([{ id: 'one', attempt: 2, error: 'platform down (1)', state: 'pending' }]);
    await t.clock.advance('1s'); // second try: 1 s later
    await t.clock.advance('2s'); // third try: 2 s after that
    expect(t.botMessages('c').map((m) => m.text)).toEqual(['sent on try 3']);

    failUntil = Infinity;
    tries = 0;
    await t.user('u').say('c2', '/go'); // same client id, but the first one fired: still taken
    expect(await t.runtime.timers.listAll()).toEqual([]);
    const again = defineBot({ name: 'again', setup: (b) => void b.command('go2', (ctx) => ctx.timers.schedule('x', { in: '1m' }, null, { id: 'two' })).timer('x', () => { tries++; throw new Error('nope'); }) });
    await t.stop();
    t = await createTestRuntime({ bots: [again], config: { timers: { backoffMs: 1000, maxAttempts: 2 } } });
    await t.user('u').say('c', '/go2');
    await t.clock.advance('10m');
    expect(tries).toBe(2);
    expect(await t.runtime.timers.listAll()).toMatchObject([{ id: 'two', bot: 'again', state: 'failed', error: 'nope', attempt: 2 }]);
    expect(await t.runtime.timers.fireNow('again', 'two')).toBe(true);
    await t.clock.advance(0);
    expect(tries).toBe(3);
  });

  it('a timer handler can schedule the next one (chains keep derived ids stable)', async () => {
    const bot = defineBot({
      name: 'chain',
      setup(b) {
        b.command('count', (ctx) => ctx.timers.schedule('tick', { in: '1m' }, 1));
        b.timer('tick', async (ctx) => {
          const n = ctx.timer!.payload as number;
          await ctx.send(`tick ${n}`);
          if (n < 3) await ctx.timers.schedule('tick', { in: '1m' }, n + 1);
        });
      },
    });
    t = await createTestRuntime({ bots: [bot] });
    await t.user('u').say('c', '/count');
    await t.clock.advance('10m');
    expect(t.botMessages('c').map((m) => m.text)).toEqual(['tick 1', 'tick 2', 'tick 3']);
  });

  it('a timed-out handler is retried only once it has ended, never beside itself', async () => {
    const log: string[] = [];
    const bot = defineBot({
      name: 'slow',
      setup(b) {
        b.command('go', (ctx) => ctx.timers.schedule('work', { in: '1m' }));
        b.timer('work', async (ctx) => {
          const n = ctx.timer!.attempt;
          log.push(`start ${n}`);
          // The first try runs into its timeout and needs a moment after ctx.signal aborts to stop.
          if (n === 1) await new Promise((r) => ctx.signal.addEventListener('abort', () => setTimeout(r, 50)));
          log.push(`end ${n}`);
        });
      },
    });
    t = await createTestRuntime({ bots: [bot], config: { handlerTimeoutMs: 200, timers: { backoffMs: 1000 } } });
    await t.user('u').say('c', '/go');
    await t.clock.advance('1m');
    expect(log).toEqual(['start 1', 'end 1']);
    expect((await t.runtime.timers.listAll())[0]).toMatchObject({ attempt: 2, error: expect.stringMatching(/did not finish within 200 ms/) });
    await t.clock.advance('1s');
    expect(log).toEqual(['start 1', 'end 1', 'start 2', 'end 2']);
  });
});
