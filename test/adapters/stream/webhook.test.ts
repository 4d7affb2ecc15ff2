/** handleWebhook: signatures, malformed bodies, and normalization of payloads the emulator really sends. */
import { gzipSync, gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signBody } from '../../../src/emulator/stream/index.ts';
import { startHarness, type Harness } from './helpers.ts';

type Loose = any;
let h: Harness;

beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const payload = Buffer.from(JSON.stringify({ type: 'message.new', cid: 'messaging:x', created_at: '2026-01-01T00:00:00.000Z', message: { id: 'm1', text: 'hi', user: { id: 'u1' } } }));
const deliver = (body: Buffer, headers: Record<string, string>) => h.adapter.handleWebhook!({ headers: { 'x-webhook-id': 'w-1', ...headers }, body });

describe('signature check', () => {
  it('accepts a valid lowercase signature and hands exactly one event to the sink', async () => {
    const res = await deliver(payload, { 'x-signature': signBody(payload, h.emu.apiSecret) });
    expect(res.status).toBe(200);
    expect(h.events).toHaveLength(1);
    expect(h.events[0]).toMatchObject({ type: 'message.new', deliveryId: 'w-1', conversation: { platform: 'stream', id: 'messaging:x' } });
  });

  it.each([
    ['a tampered body', () => ({ body: Buffer.from(payload.toString().replace('hi', 'ho')), sig: signBody(payload, h.emu.apiSecret) })],
    ['the wrong secret', () => ({ body: payload, sig: signBody(payload, 'wrong-secret') })],
    // Stream sends lowercase hex and the SDK's verifyWebhook compares exactly, so uppercase is refused.
    ['uppercase hex', () => ({ body: payload, sig: signBody(payload, h.emu.apiSecret).toUpperCase() })],
    ['no header', () => ({ body: payload, sig: undefined })],
    ['a signature of the gzip bytes', () => ({ body: payload, sig: signBody(gzipSync(payload), h.emu.apiSecret) })],
  ])('answers 401 without calling the sink for %s', async (_name, make) => {
    const { body, sig } = make();
    const res = await deliver(body, sig === undefined ? {} : { 'x-signature': sig });
    expect(res.status).toBe(401);
    expect(h.events).toHaveLength(0);
  });

  it('verifies a gunzipped body (what the server hands over for Content-Encoding: gzip)', async () => {
    const zipped = gzipSync(payload);
    const res = await deliver(gunzipSync(zipped), { 'x-signature': signBody(payload, h.emu.apiSecret), 'content-encoding': 'gzip' });
    expect(res.status).toBe(200);
    expect(h.events).toHaveLength(1);
  });

  it('answers 400 to a signed body that is not JSON or has no type, 500 when the sink fails', async () => {
    const bad = Buffer.from('{"type": "message.new",');
    expect((await deliver(bad, { 'x-signature': signBody(bad, h.emu.apiSecret) })).status).toBe(400);
    const untyped = Buffer.from('{"cid":"messaging:x"}');
    expect((await deliver(untyped, { 'x-signature': signBody(untyped, h.emu.apiSecret) })).status).toBe(400);
    expect(h.events).toHaveLength(0);
    h.sinkResult = () => { throw new Error('queue down'); };
    expect((await deliver(payload, { 'x-signature': signBody(payload, h.emu.apiSecret) })).status).toBe(500);
  });
});

describe('normalization of emulator deliveries', () => {
  async function channel() {
    const client = h.adapter.client;
    await client.upsertUsers([{ id: 'alice', name: 'Alice' } as Loose, { id: 'bob' }]);
    const ch = client.channel('messaging', 'norm', { created_by_id: 'alice', members: ['alice', 'helper-bot'], name: 'Norm' } as Loose);
    await ch.create();
    h.emu.setWebhookUrl(h.webhookUrl);
    return ch;
  }

  it('message.new: mentions, attachments with custom fields, custom data, thread parent, bot marker', async () => {
    const ch = await channel();
    const parent = await ch.sendMessage({ id: 'p1', text: 'parent', user_id: 'helper-bot' } as Loose);
    await ch.sendMessage({
      id: 'c1', text: '@helper-bot look', user_id: 'alice', parent_id: parent.message.id, mentioned_users: ['helper-bot'],
      attachments: [{ type: 'image', image_url: 'https://example.com/a.png', thumb_url: 'https://example.com/t.png', camera: 'leica' }],
      priority: 'high',
    } as Loose);
    await h.emu.webhooksIdle();
    const events = h.events.filter((e) => e.type === 'message.new');
    expect(events.map((e) => e.id).sort()).toEqual(['stream:message.new:c1', 'stream:message.new:p1']);
    expect(events.find((e) => e.message!.id === 'p1')!.sender).toEqual({ id: 'helper-bot', name: 'Helper', isBot: true });
    const e = events.find((e) => e.message!.id === 'c1')!;
    expect(e.conversation).toEqual({ platform: 'stream', id: 'messaging:norm' });
    expect(e.sender).toEqual({ id: 'alice', name: 'Alice' });
    expect(e.message).toMatchObject({
      id: 'c1', text: '@helper-bot look', parentId: 'p1',
      mentions: [{ id: 'helper-bot', name: 'Helper', isBot: true }],
      attachments: [{ type: 'image', url: 'https://example.com/a.png', thumbUrl: 'https://example.com/t.png', camera: 'leica' }],
      data: { priority: 'high' },
    });
    expect(e.message!.data).not.toHaveProperty('reaction_counts');
    expect(h.statuses.every((s) => s === 200)).toBe(true);
  });

  it('member, reaction, channel.updated → conversation.updated, message.read, updates and deletes, user.banned pass-through', async () => {
    const ch = await channel();
    await ch.addMembers(['bob']);
    await ch.sendMessage({ id: 'm1', text: 'v1', user_id: 'alice' } as Loose);
    await ch.sendReaction('m1', { type: 'like', user_id: 'bob' } as Loose);
    await ch.updatePartial({ set: { name: 'Renamed', topic: 'kata', color: 'red' } as Loose });
    await ch.markRead({ user_id: 'bob' });
    await h.adapter.client.partialUpdateMessage('m1', { set: { text: 'v2' } }, 'alice');
    await h.adapter.client.partialUpdateMessage('m1', { set: { text: 'v3' } }, 'alice');
    await h.adapter.client.deleteMessage('m1');
    await ch.banUser('bob', { banned_by_id: 'alice', reason: 'spam' });
    await h.emu.webhooksIdle();
    const by = (t: string) => h.events.filter((e) => e.type === t);
    expect(by('member.added')[0]).toMatchObject({ member: { id: 'bob' }, sender: { id: 'bob' }, conversation: { id: 'messaging:norm' } });
    expect(by('reaction.new')[0]).toMatchObject({ reaction: { type: 'like', messageId: 'm1' }, sender: { id: 'bob' }, message: { id: 'm1' } });
    expect(by('conversation.updated')[0]).toMatchObject({ changes: { name: 'Renamed', topic: 'kata', data: { topic: 'kata', color: 'red' } }, conversation: { name: 'Renamed' } });
    expect(by('message.read')[0]).toMatchObject({ sender: { id: 'bob' } });
    const updates = by('message.updated');
    expect(updates.map((e) => e.message!.text)).toEqual(['v2', 'v3']);
    expect(new Set(updates.map((e) => e.id)).size).toBe(2); // two genuine edits, two keys
    expect(by('message.deleted')[0]).toMatchObject({ id: 'stream:message.deleted:m1:soft', message: { id: 'm1', deleted: true } });
    expect(by('user.banned')[0]).toMatchObject({ sender: { id: 'alice' }, member: { id: 'bob' }, conversation: { id: 'messaging:norm' } });
  });

  it('a retried and a duplicated delivery yield the same event id', async () => {
    const ch = await channel();
    let first = true;
    h.emu.faults.duplicateWebhooks(1);
    const original = h.sinkResult;
    // The first attempt fails inside the sink: the adapter answers 500 and the emulator retries.
    h.sinkResult = () => {
      if (first) { first = false; throw new Error('transient'); }
      return original();
    };
    await ch.sendMessage({ id: 'd1', text: 'once', user_id: 'alice' } as Loose);
    await h.emu.webhooksIdle();
    const ids = h.events.filter((e) => e.type === 'message.new').map((e) => e.id);
    expect(ids.length).toBeGreaterThanOrEqual(2);
    expect(new Set(ids)).toEqual(new Set(['stream:message.new:d1']));
    expect(h.statuses).toContain(500);
  });
});
