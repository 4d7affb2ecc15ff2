/**
 * bot.beforeSend end to end: a user sends through the real stream-chat SDK; the Stream emulator calls
 * the before-send hook on the runtime over HTTP, signed as Stream signs it; the runtime's decision
 * decides what is stored and announced.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { signBody } from '../../src/emulator/stream/index.ts';
import { defineBot } from '../../src/runtime/bot.ts';
import type { BeforeSendOutcome } from '../../src/runtime/before-send/types.ts';
import type { InboundEvent } from '../../src/adapters/adapter.ts';
import { startStreamStack, type StreamStack } from '../helpers/stream-stack.ts';
import { waitFor } from '../helpers/wait.ts';

type Loose = any;
let stack: StreamStack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

async function channel(s: StreamStack, id: string) {
  await s.client.upsertUsers([{ id: 'kim', name: 'Kim' }, { id: 'lee', name: 'Lee' }]);
  const ch = s.client.channel('messaging', id, { created_by_id: 'kim', members: ['kim', 'lee'] } as Loose);
  await ch.create();
  return ch;
}

const decisions = (s: StreamStack) => {
  const list: BeforeSendOutcome[] = [];
  s.runtime.events.on('decided', (o) => list.push(o));
  return list;
};

describe('bot.beforeSend through the Stream hook', () => {
  it('a reject: the SDK call resolves with Stream\'s error message, nothing is stored or announced, bot.on(message.rejected) hears it', async () => {
    const rejected: InboundEvent[] = [];
    const filter = defineBot({
      name: 'filter',
      setup(bot) {
        bot.beforeSend((ctx) => {
          if (/durian/i.test(ctx.message.text)) ctx.reject({ reason: 'fruit', notify: 'No durian talk here.', data: { strikes: 1 } });
        });
        bot.on('message.rejected', (ctx) => void rejected.push(ctx.event));
      },
    });
    stack = await startStreamStack({ bots: [filter] });
    const ch = await channel(stack, 'reject');
    const { message } = await ch.sendMessage({ text: 'who wants durian?', user_id: 'kim' } as Loose);
    await ch.sendMessage({ text: 'who wants apples?', user_id: 'kim' } as Loose);
    await stack.settled();

    // Stream's rejection shape: the call succeeds, the message it returns is an error message for the sender.
    expect(message).toMatchObject({ type: 'error', text: 'No durian talk here.', user: { id: 'kim' } });
    const asLee = await stack.userClient('lee');
    const { messages } = await asLee.channel('messaging', 'reject').query({ messages: { limit: 50 } });
    expect(messages.map((m) => m.text)).toEqual(['who wants apples?']);
    const announced = stack.emu.deliveries().filter((d) => d.type === 'message.new').map((d) => JSON.parse(d.body).message.text);
    expect(announced).toEqual(['who wants apples?']);
    await waitFor(() => rejected.length === 1, { what: 'the message.rejected event' });
    expect(rejected[0]).toMatchObject({ type: 'message.rejected', sender: { id: 'kim' }, message: { text: 'who wants durian?' }, rejection: { by: 'filter', reason: 'fruit', notice: 'No durian talk here.', data: { strikes: 1 } } });
    expect(stack.emu.preSendCalls().map((c) => c.outcome)).toEqual(['rejected', 'allowed']);
    const scraped = await (await fetch(`${stack.server.url}/metrics`)).text();
    expect(scraped).toMatch(/botyard_before_send_decisions_total\{platform="stream",verdict="reject",policy="none"\} 1/);
    expect(scraped).toMatch(/botyard_before_send_duration_seconds_count\{platform="stream"\} 2/);
  });

  it('rewrites chain in bot order and the message is stored and announced rewritten', async () => {
    const seen: string[] = [];
    const scrub = defineBot({ name: 'a-scrub', setup: (bot) => void bot.beforeSend((ctx) => ctx.rewrite({ text: ctx.message.text.replace(/\d{4}/g, '####') })) });
    const tag = defineBot({
      name: 'b-tag',
      setup: (bot) =>
        void bot.beforeSend((ctx) => {
          seen.push(ctx.message.text);
          ctx.rewrite({ text: `${ctx.message.text} (checked)`, data: { checked: true } });
        }),
    });
    stack = await startStreamStack({ bots: [scrub, tag] });
    const ch = await channel(stack, 'rewrite');
    const { message } = await ch.sendMessage({ text: 'card 1234 5678', user_id: 'kim' } as Loose);
    await stack.settled();

    expect(seen).toEqual(['card #### ####']);
    expect(message.text).toBe('card #### #### (checked)');
    const { message: stored } = await stack.client.getMessage(message.id);
    expect(stored).toMatchObject({ text: 'card #### #### (checked)', checked: true });
    const webhook = stack.emu.deliveries().find((d) => d.type === 'message.new');
    expect(JSON.parse(webhook!.body).message.text).toBe('card #### #### (checked)');
  });

  it('a hanging handler: the decision comes within the budget; failOpen lets the message through', async () => {
    let aborted = false;
    const slow = defineBot({
      name: 'slow',
      setup: (bot) =>
        void bot.beforeSend(
          (ctx) =>
            new Promise<void>((resolve) => {
              ctx.signal.addEventListener('abort', () => {
                aborted = true;
                resolve();
              });
            }),
        ),
    });
    stack = await startStreamStack({ bots: [slow], config: { beforeSend: { budgetMs: 150 } } });
    // Give Stream's side plenty of time, so only our budget can end the wait.
    await stack.client.updateAppSettings({ before_message_send_hook_attempt_timeout_ms: 5000 } as Loose);
    const list = decisions(stack);
    const ch = await channel(stack, 'hang-open');
    const t0 = performance.now();
    const { message } = await ch.sendMessage({ text: 'hello', user_id: 'kim' } as Loose);
    console.log(`hanging handler, failOpen: the send took ${Math.round(performance.now() - t0)} ms with a 150 ms budget`);

    expect(message).toMatchObject({ type: 'regular', text: 'hello' });
    expect(aborted).toBe(true);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ verdict: { action: 'allow' }, policyApplied: { policy: 'failOpen', because: 'budget' }, runs: [{ bot: 'slow', result: 'timeout' }] });
    // The hook answered before Stream's own timeout: the emulator saw an answer, not a failure.
    expect(stack.emu.preSendCalls()[0]).toMatchObject({ outcome: 'allowed', status: 200 });
  });

  it('a hanging handler under failClosed: the message is rejected by the policy', async () => {
    const slow = defineBot({ name: 'slow', setup: (bot) => void bot.beforeSend(() => new Promise(() => undefined)) });
    stack = await startStreamStack({ bots: [slow], config: { beforeSend: { budgetMs: 150, policy: 'failClosed' } } });
    await stack.client.updateAppSettings({ before_message_send_hook_attempt_timeout_ms: 5000 } as Loose);
    const list = decisions(stack);
    const ch = await channel(stack, 'hang-closed');
    const { message } = await ch.sendMessage({ text: 'hello', user_id: 'kim' } as Loose);

    expect(message).toMatchObject({ type: 'error', text: 'This message was not sent.' });
    expect(list[0]).toMatchObject({ verdict: { action: 'reject', rejections: [{ by: 'policy' }] }, policyApplied: { policy: 'failClosed', because: 'budget' } });
    expect(stack.emu.state.messageCount('messaging:hang-closed')).toBe(0);
  });

  it('a bad signature is a 401 and decides nothing; the bot\'s own messages skip the handlers', async () => {
    let calls = 0;
    const counter = defineBot({ name: 'counter', setup: (bot) => void bot.beforeSend(() => void calls++) });
    stack = await startStreamStack({ bots: [counter] });
    const list = decisions(stack);
    const body = JSON.stringify({ message: { id: '', text: 'forged', type: 'regular' }, user: { id: 'kim' }, channel: { cid: 'messaging:x' } });
    const url = `${stack.server.url}/webhooks/stream/before-send`;
    const bad = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-signature': signBody(body, 'wrong-secret') }, body });
    const missing = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect([bad.status, missing.status]).toEqual([401, 401]);
    expect(list).toHaveLength(0);

    const good = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-signature': signBody(body, stack.emu.apiSecret) }, body });
    expect(good.status).toBe(200);
    expect(await good.json()).toEqual({});
    expect(calls).toBe(1);

    const ch = await channel(stack, 'own');
    await ch.sendMessage({ text: 'from the bot', user_id: 'botyard' } as Loose);
    expect(calls).toBe(1);
    expect(list.at(-1)).toMatchObject({ skipped: 'own-message', verdict: { action: 'allow' } });
  });
});
