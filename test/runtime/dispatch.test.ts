import { afterEach, describe, expect, it } from 'vitest';
import { createTestRuntime, type TestRuntime } from 'botyard/testing';
import { defineBot, NotSupportedError } from 'botyard';

const replier = defineBot({
  name: 'replier',
  setup(bot) {
    bot.onMessage((ctx) => ctx.reply(`echo: ${ctx.message!.text}`));
  },
});

describe('dispatch', () => {
  let t: TestRuntime;
  afterEach(() => t?.stop());

  it('a throwing handler and a hanging handler do not stop another bot replying to the same event', async () => {
    const thrower = defineBot({ name: 'thrower', setup: (bot) => void bot.onMessage(() => { throw new Error('boom'); }) });
    const hanger = defineBot({ name: 'hanger', setup: (bot) => void bot.onMessage(() => new Promise(() => {})) });
    t = await createTestRuntime({ bots: [thrower, hanger, replier], config: { handlerTimeoutMs: 50 } });

    await t.user('u1').say('c', 'hello');

    expect(t.botMessages('c').map((m) => m.text)).toEqual(['echo: hello']);
    const byBot = Object.fromEntries(t.runs.map((r) => [r.bot, r.error]));
    expect(byBot).toEqual({ thrower: 'boom', hanger: expect.stringMatching(/did not finish within 50 ms/), replier: undefined });
    expect(await t.runtime.queue.deadLetters()).toHaveLength(1);
  });

  it('retries only the handlers that failed', async () => {
    let tries = 0;
    const flaky = defineBot({ name: 'flaky', setup: (bot) => void bot.onMessage(() => { if (++tries < 3) throw new Error('not yet'); }) });
    t = await createTestRuntime({ bots: [flaky, replier], maxAttempts: 3 });
    await t.user('u1').say('c', 'hi');
    expect(tries).toBe(3);
    expect(t.botMessages('c').map((m) => m.text)).toEqual(['echo: hi']);
    expect(t.runs.filter((r) => r.bot === 'replier').map((r) => r.skipped)).toEqual([undefined, 'already-done', 'already-done']);
  });

  it('hear exposes match groups; command parses args; on(type) sees other event types', async () => {
    const seen: string[] = [];
    const bot = defineBot({
      name: 'multi',
      setup(b) {
        b.hear(/order (\d+)/i, (ctx) => void seen.push(`hear:${ctx.match![1]}`));
        b.command('roll', (ctx) => void seen.push(`roll:${ctx.command!.args.join(',')}`));
        b.on('reaction.new', (ctx) => void seen.push(`reaction:${ctx.event.reaction!.type}`));
        b.onMessageUpdated((ctx) => void seen.push(`updated:${ctx.message!.text}`));
        b.onMessageDeleted((ctx) => void seen.push(`deleted:${ctx.message!.id}`));
        b.on('*', (ctx) => void seen.push(`any:${ctx.event.type}`));
      },
    });
    t = await createTestRuntime({ bots: [bot] });
    const u = t.user('u');
    const m = await u.say('c', 'Order 66 please');
    await u.say('c', '/roll 2d6 fast');
    await u.react('c', m.id, 'like');
    await u.edit('c', m.id, 'Order 67');
    await u.delete('c', m.id);
    expect(seen).toEqual([
      'hear:66', 'any:message.new',
      'roll:2d6,fast', 'any:message.new',
      'reaction:like', 'any:reaction.new',
      'updated:Order 67', 'any:message.updated',
      `deleted:${m.id}`, 'any:message.deleted',
    ]);
  });

  it("never hands a bot the runtime's own messages, and other bots' only on opt-in", async () => {
    const heard: string[] = [];
    const listener = defineBot({ name: 'listener', setup: (b) => void b.onMessage((ctx) => void heard.push(`listener:${ctx.sender.id}`)) });
    const optIn = defineBot({ name: 'optin', setup: (b) => void b.options({ acceptBotMessages: true }).onMessage((ctx) => void heard.push(`optin:${ctx.sender.id}`)) });
    t = await createTestRuntime({ bots: [listener, optIn] });
    await t.user(t.me.id).say('c', 'my own message');
    await t.user('pat', 'Pat').say('c', 'hello');
    await t.user('robo', 'Robo', { isBot: true }).say('c', 'beep boop');
    expect(heard).toEqual(['listener:pat', 'optin:pat', 'optin:robo']);
  });

  it('the loop guard stops two bots answering each other forever', async () => {
    const pinger = defineBot({ name: 'pinger', setup: (b) => void b.options({ acceptBotMessages: true }).onMessage((ctx) => ctx.send('ping')) });
    t = await createTestRuntime({ bots: [pinger], config: { loopGuard: { maxBotMessages: 3, windowMs: 60_000 } } });
    const robo = t.user('robo', 'Robo', { isBot: true });
    for (let i = 0; i < 6; i++) await robo.say('c', 'pong');
    expect(t.botMessages('c')).toHaveLength(3);
  });

  it('a verb the platform lacks throws NotSupportedError instead of doing nothing', async () => {
    let caught: unknown;
    const bot = defineBot({ name: 'b', setup: (b) => void b.onMessage(async (ctx) => { try { await ctx.typing(); } catch (e) { caught = e; } }) });
    t = await createTestRuntime({ bots: [bot] });
    (t.runtime.adapterFor('local')!.capabilities as Set<string>).delete('typing');
    await t.user('u').say('c', 'x');
    expect(caught).toBeInstanceOf(NotSupportedError);
    expect((caught as NotSupportedError).message).toMatch(/local does not support 'typing'.*ctx\.can\('typing'\)/);
  });

  it('a redelivered event (same id) is handled once', async () => {
    t = await createTestRuntime({ bots: [replier] });
    const event = { id: 'evt-1', type: 'message.new', platform: 'local' as const, conversation: { platform: 'local' as const, id: 'c' }, sender: { id: 'u' }, occurredAt: new Date().toISOString(), raw: {}, message: { id: 'm1', text: 'once', user: { id: 'u' }, attachments: [], mentions: [], data: {} } };
    expect(await t.runtime.ingest(event)).toBe('accepted');
    expect(await t.runtime.ingest({ ...event })).toBe('duplicate');
    await t.runtime.idle();
    expect(t.botMessages('c').map((m) => m.text)).toEqual(['echo: once']);
  });
});
