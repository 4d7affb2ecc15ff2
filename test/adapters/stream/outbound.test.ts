/** Every outbound verb of the Stream adapter, observed in the emulator's state. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConversationRef } from '../../../src/adapters/adapter.ts';
import { createStreamAdapter } from '../../../src/adapters/stream/index.ts';
import { PlatformError } from '../../../src/errors.ts';
import { startHarness, type Harness } from './helpers.ts';

type Loose = any;
let h: Harness;
const conv: ConversationRef = { platform: 'stream', id: 'messaging:out' };

beforeEach(async () => {
  h = await startHarness();
  await h.adapter.client.upsertUsers([{ id: 'alice' }, { id: 'bob' }]);
  await h.adapter.client.channel('messaging', 'out', { created_by_id: 'alice', members: ['alice', 'helper-bot'] } as Loose).create();
});
afterEach(async () => {
  await h.close();
});

describe('start and ready', () => {
  it('upserts the bot as an admin user marked is_bot, and reports ready', async () => {
    expect(h.emu.state.user('helper-bot')).toMatchObject({ id: 'helper-bot', name: 'Helper', role: 'admin', is_bot: true });
    expect(await h.adapter.ready!()).toEqual({ ok: true });
    expect(h.adapter.capabilities.has('threads')).toBe(true);
    expect(h.adapter.capabilities.has('html')).toBe(false);
  });

  it('ready() says why when the secret is wrong', async () => {
    const bad = createStreamAdapter({ apiKey: h.emu.apiKey, apiSecret: 'wrong', baseUrl: h.emu.url, bot: { id: 'b', name: 'B' } });
    const r = await bad.ready!();
    expect(r.ok).toBe(false);
    expect(r.reason).toContain('43');
  });
});

describe('verbs', () => {
  it('send: text, attachments, mentions, custom data, client id, as the bot; reply in thread', async () => {
    const sent = await h.adapter.send(conv, {
      id: 'b-1', text: 'hello @alice', mentions: [{ id: 'alice' }], data: { kind: 'greeting' },
      attachments: [{ type: 'image', url: 'https://example.com/i.png', title: 'pic', camera: 'leica' }, { type: 'file', url: 'https://example.com/f.pdf' }],
    });
    expect(sent).toEqual({ id: 'b-1', conversation: conv });
    expect(h.emu.state.message('b-1')).toMatchObject({
      text: 'hello @alice', kind: 'greeting', user: { id: 'helper-bot' }, mentioned_users: [{ id: 'alice' }],
      attachments: [{ type: 'image', image_url: 'https://example.com/i.png', title: 'pic', camera: 'leica' }, { type: 'file', asset_url: 'https://example.com/f.pdf' }],
    });
    const reply = await h.adapter.send(conv, { text: 'in thread', parentId: 'b-1' });
    expect(h.emu.state.message(reply.id)).toMatchObject({ parent_id: 'b-1', type: 'reply' });
    expect(h.emu.state.message('b-1')!.reply_count).toBe(1);
  });

  it('a send whose client id already exists is a success and stores nothing new', async () => {
    await h.adapter.send(conv, { id: 'same', text: 'first' });
    const again = await h.adapter.send(conv, { id: 'same', text: 'retry' });
    expect(again.id).toBe('same');
    expect(h.emu.state.messages('messaging:out').map((m) => m.text)).toEqual(['first']);
    expect(h.emu.requests.count('SendMessage', 'failed')).toBe(1);
  });

  it('a 429 surfaces as a retryable PlatformError with status, code 9 and retryAfterMs from X-RateLimit-Reset', async () => {
    h.emu.faults.failNext('SendMessage', { status: 429, resetInSeconds: 5 });
    const err = await h.adapter.send(conv, { text: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PlatformError);
    const pe = err as PlatformError;
    expect(pe).toMatchObject({ status: 429, platformCode: 9, retryable: true, platform: 'stream' });
    expect(pe.retryAfterMs).toBeGreaterThan(3000);
    expect(pe.retryAfterMs).toBeLessThanOrEqual(6000);
  });

  it('input errors are PlatformErrors that are not retryable; unknown channels are 404 code 16', async () => {
    const e1 = (await h.adapter.send({ platform: 'stream', id: 'messaging:nope' }, { text: 'x' }).catch((e: unknown) => e)) as PlatformError;
    expect(e1).toMatchObject({ status: 404, platformCode: 16, retryable: false });
    const e2 = (await h.adapter.send(conv, { text: 'x', parentId: 'missing' }).catch((e: unknown) => e)) as PlatformError;
    expect(e2).toMatchObject({ status: 400, platformCode: 4, retryable: false });
  });

  it('edit, delete soft and hard', async () => {
    await h.adapter.send(conv, { id: 'e-1', text: 'v1', data: { keep: 1 } });
    await h.adapter.editMessage!(conv, 'e-1', { text: 'v2', data: { mood: 'x' } });
    expect(h.emu.state.message('e-1')).toMatchObject({ text: 'v2', keep: 1, mood: 'x' });
    await h.adapter.deleteMessage!(conv, 'e-1');
    expect(h.emu.state.message('e-1')).toMatchObject({ type: 'deleted' });
    await h.adapter.deleteMessage!(conv, 'e-1', { hard: true });
    expect(h.emu.state.message('e-1')).toBeUndefined();
  });

  it('markRead, typing start/stop, react', async () => {
    await h.adapter.send(conv, { id: 'k-1', text: 'x' });
    await h.adapter.markRead!(conv);
    expect(h.emu.state.reads('messaging:out').find((r) => (r.user as Loose).id === 'helper-bot')).toMatchObject({ unread_messages: 0, last_read_message_id: 'k-1' });
    const typing = h.emu.waitForEvent('typing.start');
    await h.adapter.typing!(conv);
    expect((await typing).user).toMatchObject({ id: 'helper-bot' });
    expect(h.emu.state.typing('messaging:out')).toEqual(['helper-bot']);
    await h.adapter.typing!(conv, { stop: true });
    expect(h.emu.state.typing('messaging:out')).toEqual([]);
    await h.adapter.react!(conv, 'k-1', 'like');
    expect(h.emu.state.message('k-1')!.reaction_counts).toEqual({ like: 1 });
  });

  it('members, moderators, ban (channel-scoped), updateConversation', async () => {
    await h.adapter.addMembers!(conv, [{ id: 'bob' }]);
    await h.adapter.addModerators!(conv, ['bob']);
    expect(h.emu.state.members('messaging:out').find((m) => m.user_id === 'bob')).toMatchObject({ channel_role: 'channel_moderator' });
    await h.adapter.demoteModerators!(conv, ['bob']);
    expect(h.emu.state.members('messaging:out').find((m) => m.user_id === 'bob')).toMatchObject({ channel_role: 'channel_member' });
    await h.adapter.ban!(conv, 'bob', { reason: 'spam', timeoutMinutes: 10 });
    expect(h.emu.state.bans()).toEqual([expect.objectContaining({ target_user_id: 'bob', cid: 'messaging:out', banned_by_id: 'helper-bot', reason: 'spam' })]);
    expect(h.emu.state.user('bob')).toMatchObject({ banned: false });
    await h.adapter.removeMembers!(conv, ['bob']);
    expect(h.emu.state.members('messaging:out').map((m) => m.user_id)).toEqual(['alice', 'helper-bot']);
    await h.adapter.updateConversation!(conv, { name: 'Outbound', data: { color: 'teal' } });
    await h.adapter.updateConversation!(conv, { data: { size: 2 } });
    expect(h.emu.state.channel('messaging:out')!.channel).toMatchObject({ name: 'Outbound', color: 'teal', size: 2 });
  });
});
