/**
 * How before-send decisions combine, on the in-process local platform: the first reject ends the
 * chain, a throwing handler is decided by the policy, other bots' messages need an opt-in, and
 * platforms without the hook get one warning at start.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { Writable } from 'node:stream';
import { createTestRuntime, type TestRuntime } from '../../src/testing/index.ts';
import { defineBot } from '../../src/runtime/bot.ts';
import type { BeforeSendOutcome } from '../../src/runtime/before-send/types.ts';
import { reportInactiveBeforeSend } from '../../src/runtime/before-send/inactive.ts';
import { createLocalAdapter } from '../../src/adapters/local/local-adapter.ts';

let t: TestRuntime | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

const decided = (rt: TestRuntime) => {
  const list: BeforeSendOutcome[] = [];
  rt.runtime.events.on('decided', (o) => list.push(o));
  return list;
};

describe('before-send decisions', () => {
  it('the first reject ends the chain: later bots do not run, and the sender sees the first notice', async () => {
    const ran: string[] = [];
    const a = defineBot({ name: 'a', setup: (bot) => void bot.beforeSend((ctx) => { ran.push('a'); ctx.reject({ reason: 'no', notify: true }); }) });
    const b = defineBot({ name: 'b', setup: (bot) => void bot.beforeSend(() => void ran.push('b')) });
    t = await createTestRuntime({ bots: [a, b] });
    const list = decided(t);
    const msg = await t.user('kim').say('room', 'hello');
    expect(ran).toEqual(['a']);
    expect(msg.rejected).toEqual({ by: 'a', reason: 'no', notice: 'no' });
    expect(list[0]!.runs.map((r) => [r.bot, r.result])).toEqual([['a', 'reject']]);
  });

  it('a throwing handler: failOpen lets the message through (others still run), failClosed rejects it', async () => {
    const broken = defineBot({ name: 'broken', setup: (bot) => void bot.beforeSend(() => { throw new Error('boom'); }) });
    const tagger = defineBot({ name: 'tagger', setup: (bot) => void bot.beforeSend((ctx) => ctx.rewrite({ text: `${ctx.message.text}!` })) });
    t = await createTestRuntime({ bots: [broken, tagger] });
    let list = decided(t);
    const open = await t.user('kim').say('room', 'hello');
    expect(open.rejected).toBeUndefined();
    expect(open.text).toBe('hello!');
    expect(list[0]).toMatchObject({ policyApplied: { policy: 'failOpen', because: 'error' }, runs: [{ bot: 'broken', result: 'error', detail: 'boom' }, { bot: 'tagger', result: 'rewrite' }] });
    await t.stop();

    t = await createTestRuntime({ bots: [broken, tagger], config: { beforeSend: { policy: 'failClosed' } } });
    list = decided(t);
    const closed = await t.user('kim').say('room', 'hello');
    expect(closed.rejected).toMatchObject({ by: 'policy', notice: 'This message was not sent.' });
    expect(list[0]!.runs.map((r) => r.bot)).toEqual(['broken']);
    expect(t.conversation('room').messages).toEqual([]);
  });

  it('ctx.reject without a reason is a handler error naming the fix', async () => {
    const sloppy = defineBot({ name: 'sloppy', setup: (bot) => void bot.beforeSend((ctx) => ctx.reject({} as never)) });
    t = await createTestRuntime({ bots: [sloppy] });
    const list = decided(t);
    await t.user('kim').say('room', 'hello');
    expect(list[0]!.runs[0]).toMatchObject({ result: 'error', detail: expect.stringContaining("needs { reason: '...' }") });
  });

  it('other bots\' messages reach only handlers of bots that opted in', async () => {
    const seen: string[] = [];
    const strict = defineBot({ name: 'strict', setup: (bot) => void bot.beforeSend((ctx) => void seen.push(`strict:${ctx.sender.id}`)) });
    const open = defineBot({ name: 'open', setup: (bot) => void bot.options({ acceptBotMessages: true }).beforeSend((ctx) => void seen.push(`open:${ctx.sender.id}`)) });
    t = await createTestRuntime({ bots: [strict, open] });
    await t.user('robo', 'Robo', { isBot: true }).say('room', 'beep');
    await t.user('kim').say('room', 'hi');
    expect(seen).toEqual(['open:robo', 'strict:kim', 'open:kim']);
  });

  it('a platform without the hook: one warning at start, naming the bots whose beforeSend handlers are inactive there', () => {
    const lines: string[] = [];
    const log = pino({ level: 'warn' }, new Writable({ write: (chunk, _e, done) => { lines.push(String(chunk)); done(); } }));
    const acsLike = createLocalAdapter({ bot: { id: 'botyard' } });
    (acsLike.capabilities as Set<string>).delete('preSend');
    const withHook = createLocalAdapter({ bot: { id: 'botyard' } });
    const bots = [{ name: 'moderation', registration: { beforeSend: [{}] } }, { name: 'welcome', registration: { beforeSend: [] } }] as never;
    expect(reportInactiveBeforeSend(bots, [acsLike, withHook], log)).toEqual([{ platform: 'local', bots: ['moderation'] }]);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!).msg).toContain('beforeSend handlers of moderation are inactive on local');
  });
});
