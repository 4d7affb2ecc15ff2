/**
 * Stream end to end: users act through the real stream-chat SDK against the emulator; the emulator
 * delivers signed webhooks to the runtime over HTTP; the fixture bots (test/fixtures) answer through the adapter.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StreamChat } from 'stream-chat';
import { startDevStack, type DevStack } from '../../src/cli/dev-stack.ts';
import { silentLogger } from '../../src/runtime/log.ts';
import { signBody, type StreamEvent } from '../../src/emulator/stream/index.ts';
import { FIXTURE_CONFIG } from '../helpers/fixtures.ts';

type Loose = any;
let stack: DevStack;
let client: StreamChat;
let n = 0;

const fromBot = (e: StreamEvent) => (e as Loose).user?.id === 'botyard';

/** A fresh channel with kim and the bot as members (kim's member.added gets the welcome; tests look past it). */
async function channel() {
  const ch = client.channel('messaging', `e2e-${++n}`, { created_by_id: 'kim', members: ['kim', 'botyard'] } as Loose);
  await ch.create();
  await settled();
  return ch;
}

/** What the bot posted in a channel, other than welcomes and the pinned rules. */
const botTexts = (id: string) =>
  stack.stream!.state
    .messages(`messaging:${id}`)
    .filter((m: Loose) => m.user.id === 'botyard' && !m.text.startsWith('Welcome') && m.text !== 'House rules')
    .map((m: Loose) => m.text);

async function settled() {
  await stack.stream!.webhooksIdle();
  await stack.booted.runtime.idle();
}

beforeAll(async () => {
  stack = await startDevStack({ env: {}, file: FIXTURE_CONFIG, log: silentLogger, port: 0, platforms: ['stream'] });
  // A loaded machine can take longer than the SDK's default 3 s to answer.
  client = new StreamChat(stack.stream!.apiKey, stack.stream!.apiSecret, { baseURL: stack.stream!.url, timeout: 30_000 });
  await client.upsertUsers([{ id: 'kim', name: 'Kim' }, { id: 'lee', name: 'Lee' }]);
});
afterAll(() => stack?.stop());

describe('Stream end to end', () => {
  it("a user's mention reaches the mentions bot by webhook; its threaded reply, with a mention, reads back through the SDK", async () => {
    const ch = await channel();
    const botReply = stack.stream!.waitForEvent((e) => e.type === 'message.new' && fromBot(e));
    const { message: question } = await ch.sendMessage({ text: '@Botyard what are your opening hours?', user_id: 'kim', mentioned_users: ['botyard'] } as Loose);
    const event = await botReply;

    const { message: reply } = await client.getMessage((event as Loose).message.id);
    expect(reply.parent_id).toBe(question.id);
    expect(reply.text).toBe('@Kim We are open Monday to Friday, 9:00 to 17:00 CET.');
    expect(reply.mentioned_users?.map((u) => u.id)).toEqual(['kim']);
    const { messages: replies } = await ch.getReplies(question.id, {});
    expect(replies.map((m) => m.id)).toEqual([reply.id]);
    // It marked the question read, as the bot.
    expect(stack.stream!.state.reads(`messaging:${ch.id}`).find((r: Loose) => r.user.id === 'botyard')).toMatchObject({ last_read_message_id: question.id });
  });

  it('the same webhook delivered three times gives one reply', async () => {
    const ch = await channel();
    stack.stream!.faults.duplicateWebhooks(1);
    const { message } = await ch.sendMessage({ text: 'hey @Botyard, rules?', user_id: 'kim' } as Loose);
    await settled();
    const deliveries = stack.stream!.deliveries().filter((d) => d.type === 'message.new' && JSON.parse(d.body).message.id === message.id);
    expect(deliveries).toHaveLength(2);
    // A third delivery of the same webhook, as Stream's retry would send it.
    const [first] = deliveries;
    const res = await fetch(first!.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-signature': signBody(first!.body, stack.stream!.apiSecret), 'x-webhook-id': first!.webhookId, 'x-webhook-attempt': '2', 'x-api-key': stack.stream!.apiKey },
      body: first!.body,
    });
    expect(res.status).toBe(200);
    await settled();
    expect(new Set(deliveries.map((d) => d.webhookId)).size).toBe(1);
    expect(botTexts(ch.id!)).toEqual(['@Kim Be kind, stay on topic, no spam. The full rules are pinned in every channel.']);
  });

  it('a 429 on send is waited out and gives exactly one message', async () => {
    const ch = await channel();
    // Hold the webhook back a moment, so the 429s meet the bot's reply, not the user's message.
    stack.stream!.faults.delayWebhooks(100);
    const botReply = stack.stream!.waitForEvent((e) => e.type === 'message.new' && fromBot(e), 10_000);
    await ch.sendMessage({ text: '@Botyard help', user_id: 'kim' } as Loose);
    stack.stream!.faults.failNext('SendMessage', { status: 429, count: 2, resetInSeconds: 1 });
    stack.stream!.faults.delayWebhooks(0);
    await botReply;
    await settled();
    expect(stack.stream!.requests.count('SendMessage', 'failed')).toBeGreaterThanOrEqual(2);
    expect(botTexts(ch.id!)).toEqual(['@Kim Write to support@example.com, or ask here and a moderator will pick it up.']);
  });

  it("the bot's own message never triggers bots", async () => {
    const ch = await channel();
    await ch.sendMessage({ text: 'spam @Botyard spam', user_id: 'botyard' } as Loose);
    await settled();
    expect(botTexts(ch.id!)).toEqual(['spam @Botyard spam']);
    expect(stack.stream!.state.messages(`messaging:${ch.id}`).find((m: Loose) => m.text === 'spam @Botyard spam')?.type).toBe('regular');
  });

  it('a member added gets a silent welcome, with the rules attached; the rules are pinned once', async () => {
    const ch = await channel();
    const welcome = stack.stream!.waitForEvent((e) => e.type === 'message.new' && fromBot(e));
    await ch.addMembers(['lee']);
    const event = (await welcome) as Loose;
    expect(event.message.text).toBe('Welcome, @Lee! Please have a look at the house rules.');
    expect(event.message.silent).toBe(true);
    expect(event.message.mentioned_users.map((u: Loose) => u.id)).toEqual(['lee']);
    expect(event.message.attachments[0]).toMatchObject({ type: 'file', title: 'House rules', asset_url: 'https://example.com/house-rules.pdf' });
    await settled();
    const { messages: pinned } = await ch.getPinnedMessages({});
    expect(pinned.map((m) => m.text)).toEqual(['House rules']);
  });

  it('a blocked word never reaches the channel: the sender\'s call gets Stream\'s error message, nobody else sees it', async () => {
    const ch = await channel();
    const { message } = await ch.sendMessage({ text: 'buy cheap spam now', user_id: 'lee' } as Loose);
    await settled();
    expect(message).toMatchObject({ type: 'error', text: '"spam" is not allowed here. Strike 1 of 3.' });
    expect(stack.stream!.state.messages(`messaging:${ch.id}`).map((m: Loose) => m.text)).not.toContain('buy cheap spam now');
    expect(botTexts(ch.id!)).toEqual([]);
  });
});
