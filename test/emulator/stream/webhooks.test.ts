/** Webhooks from the emulator to a real receiver: payloads, signatures, retries, faults. */
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import type { StreamChat } from 'stream-chat';
import type { StreamEmulator } from '../../../src/emulator/stream/index.ts';
import { emulatorWithClient, startReceiver, type Receiver } from './helpers.ts';

type Loose = any;
let emu: StreamEmulator;
let client: StreamChat;
let receiver: Receiver;

afterEach(async () => {
  await emu?.close();
  await receiver?.close();
});

async function setup(options: Parameters<typeof emulatorWithClient>[0] = {}) {
  receiver = await startReceiver();
  ({ emu, client } = await emulatorWithClient(options));
  await client.upsertUsers([{ id: 'john' }, { id: 'alice' }]);
  const channel = client.channel('messaging', 'hooks', { created_by_id: 'john', members: ['john', 'alice'] } as Loose);
  await channel.create();
  await client.updateAppSettings({ webhook_url: receiver.url }); // the real way to configure it
  return channel;
}

const parse = (r: { body: Buffer }) => JSON.parse(r.body.toString('utf8'));

describe('webhook delivery', () => {
  it('posts message.new with Stream\'s headers; the SDK\'s own verifyWebhook accepts the signature', async () => {
    const channel = await setup();
    await channel.sendMessage({ id: 'w1', text: 'hello', user_id: 'alice', mentioned_users: ['john'], mood: 'happy' } as Loose);
    const [req] = await receiver.next(1);
    const body = parse(req!);
    expect(body).toMatchObject({ type: 'message.new', cid: 'messaging:hooks', channel_type: 'messaging', channel_id: 'hooks', message_id: 'w1' });
    expect(body.message).toMatchObject({ id: 'w1', text: 'hello', mood: 'happy', user: { id: 'alice' } });
    expect(body.message.mentioned_users.map((u: { id: string }) => u.id)).toEqual(['john']);
    expect(body.members.map((m: { user_id: string }) => m.user_id)).toEqual(['john', 'alice']);
    const sig = req!.headers['x-signature'] as string;
    expect(sig).toMatch(/^[0-9a-f]{64}$/);
    expect(client.verifyWebhook(req!.body, sig)).toBe(true);
    expect(req!.headers['x-webhook-attempt']).toBe('1');
    expect(req!.headers['x-api-key']).toBe(emu.apiKey);
    expect(req!.headers['x-webhook-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('announces member, channel, reaction, read, update, delete and ban events; typing is never delivered', async () => {
    const channel = await setup();
    await channel.sendEvent({ type: 'typing.start', user_id: 'alice' } as Loose);
    await channel.sendMessage({ id: 'e1', text: 'x', user_id: 'alice' } as Loose);
    await channel.sendEvent({ type: 'typing.stop', user_id: 'alice' } as Loose);
    await client.upsertUsers([{ id: 'bob' }]);
    await channel.addMembers(['bob']);
    await channel.removeMembers(['bob']);
    await channel.update({ name: 'Hooks' } as Loose);
    await channel.sendReaction('e1', { type: 'like', user_id: 'john' } as Loose);
    await channel.markRead({ user_id: 'john' });
    await client.partialUpdateMessage('e1', { set: { text: 'y' } }, 'alice');
    await client.deleteMessage('e1');
    await channel.banUser('alice', { banned_by_id: 'john' });
    await emu.webhooksIdle();
    const types = receiver.received.map((r) => parse(r).type);
    // Exactly these, in any order (deliveries run concurrently); no typing.*, and a new user is no webhook.
    expect([...types].sort()).toEqual(['channel.updated', 'member.added', 'member.removed', 'message.deleted', 'message.new', 'message.read', 'message.updated', 'reaction.new', 'user.banned']);
    const ban = receiver.received.map(parse).find((b) => b.type === 'user.banned');
    expect(ban).toMatchObject({ cid: 'messaging:hooks', user: { id: 'alice' }, created_by: { id: 'john' } });
  });

  it('retries 500 and 429 with the same X-Webhook-Id and increasing X-Webhook-Attempt, then succeeds', async () => {
    const channel = await setup();
    receiver.reply = (_r, i) => (i === 0 ? 500 : i === 1 ? 429 : 200);
    await channel.sendMessage({ id: 'r1', text: 'retry me', user_id: 'alice' } as Loose);
    const reqs = await receiver.next(3);
    expect(new Set(reqs.map((r) => r.headers['x-webhook-id'])).size).toBe(1);
    expect(reqs.map((r) => r.headers['x-webhook-attempt'])).toEqual(['1', '2', '3']);
    expect(new Set(reqs.map((r) => r.body.toString())).size).toBe(1);
    await emu.webhooksIdle();
    expect(emu.deliveries().find((d) => d.type === 'message.new')).toMatchObject({ outcome: 'delivered', attempts: [{ status: 500 }, { status: 429 }, { status: 200 }] });
  });

  it('gives up after 3 attempts on 5xx and does not retry a 400', async () => {
    const channel = await setup();
    receiver.reply = () => 502;
    await channel.sendMessage({ text: 'a', user_id: 'alice' } as Loose);
    await emu.webhooksIdle();
    expect(receiver.received).toHaveLength(3);
    receiver.reply = () => 400;
    await channel.sendMessage({ text: 'b', user_id: 'alice' } as Loose);
    await emu.webhooksIdle();
    expect(receiver.received).toHaveLength(4);
    expect(emu.deliveries().map((d) => d.outcome)).toEqual(['failed', 'failed']);
  });

  it('retries a timed-out attempt', async () => {
    const channel = await setup({ webhook: { attemptTimeoutMs: 150, retryDelaysMs: [5] } });
    receiver.reply = (_r, i) => (i === 0 ? 'hang' : 200);
    await channel.sendMessage({ text: 'slow', user_id: 'alice' } as Loose);
    const reqs = await receiver.next(2);
    expect(reqs[1]!.headers['x-webhook-attempt']).toBe('2');
    await emu.webhooksIdle();
    expect(emu.deliveries()[0]!.attempts[0]!.error).toBe('ETIMEDOUT');
  });

  it('duplicate deliveries carry the same id and body; delays hold deliveries back', async () => {
    const channel = await setup();
    emu.faults.duplicateWebhooks(1);
    await channel.sendMessage({ text: 'twice', user_id: 'alice' } as Loose);
    const [a, b] = await receiver.next(2);
    expect(a!.headers['x-webhook-id']).toBe(b!.headers['x-webhook-id']);
    expect(a!.body.equals(b!.body)).toBe(true);
    emu.faults.delayWebhooks(150);
    const t0 = Date.now();
    await channel.sendMessage({ text: 'later', user_id: 'alice' } as Loose);
    await receiver.next(3);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
  });

  it('gzip bodies are signed over the uncompressed bytes', async () => {
    const channel = await setup({ webhook: { gzip: true, retryDelaysMs: [5] } });
    await channel.sendMessage({ text: 'zipped', user_id: 'alice' } as Loose);
    const [req] = await receiver.next(1);
    expect(req!.headers['content-encoding']).toBe('gzip');
    const plain = gunzipSync(req!.body);
    expect(client.verifyWebhook(plain, req!.headers['x-signature'] as string)).toBe(true);
    expect(JSON.parse(plain.toString()).message.text).toBe('zipped');
  });

  it('the change feed sees every event, typing included, and setWebhookUrl(undefined) stops deliveries', async () => {
    const channel = await setup();
    const seen: string[] = [];
    const off = emu.on('event', (e) => seen.push(e.type));
    const typing = emu.waitForEvent('typing.start');
    await channel.sendEvent({ type: 'typing.start', user_id: 'alice' } as Loose);
    expect((await typing).user).toMatchObject({ id: 'alice' });
    off();
    expect(seen).toEqual(['typing.start']);
    emu.setWebhookUrl(undefined);
    await channel.sendMessage({ text: 'nobody hears', user_id: 'alice' } as Loose);
    await emu.webhooksIdle();
    expect(receiver.received.map((r) => parse(r).type)).not.toContain('message.new');
  });
});
