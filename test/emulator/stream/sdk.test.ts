/** Every emulated operation through the real stream-chat SDK over loopback HTTP, data read back. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StreamChat } from 'stream-chat';
import type { StreamEmulator } from '../../../src/emulator/stream/index.ts';
import { emulatorWithClient, sdkError } from './helpers.ts';

let emu: StreamEmulator;
let client: StreamChat;
type Loose = any;

beforeEach(async () => {
  ({ emu, client } = await emulatorWithClient());
});
afterEach(async () => {
  await emu.close();
});

async function kungFu() {
  await client.upsertUsers([{ id: 'john', role: 'admin' }, { id: 'alice' }, { id: 'bob' }]);
  const channel = client.channel('messaging', 'kung-fu', { created_by_id: 'john' } as Loose);
  await channel.create();
  return channel;
}

describe('seed backend examples', () => {
  it('createToken("john") makes a token the emulator accepts as john', async () => {
    const token = client.createToken('john');
    const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
    expect(payload).toEqual({ user_id: 'john' });
    const res = await fetch(`${emu.url}/app?api_key=${emu.apiKey}`, { headers: { authorization: token, 'stream-auth-type': 'jwt' } });
    expect(res.status).toBe(200);
  });

  it('upsertUser with a role and a custom field reads back through queryUsers', async () => {
    await client.upsertUser({ id: 'john', role: 'admin', favorite_color: 'green' } as Loose);
    const { users } = await client.queryUsers({ id: { $in: ['john'] } });
    expect(users).toHaveLength(1);
    expect(users[0]).toMatchObject({ id: 'john', role: 'admin', favorite_color: 'green' });
    expect(users[0]!.created_at).toEqual(expect.any(String));
  });

  it('channel messaging:kung-fu create, then update with name, image and a custom field', async () => {
    const channel = await kungFu();
    await channel.update({ name: 'Kung Fu', image: 'https://example.com/kf.png', belt: 'black' } as Loose, { text: 'renamed', user_id: 'john' } as Loose);
    const state = await client.channel('messaging', 'kung-fu').query({ messages: { limit: 10 } });
    expect(state.channel).toMatchObject({ cid: 'messaging:kung-fu', name: 'Kung Fu', image: 'https://example.com/kf.png', belt: 'black' });
    expect(state.channel.created_by).toMatchObject({ id: 'john' });
    expect(state.messages.map((m) => m.text)).toEqual(['renamed']);
  });

  it('members are added and removed; moderators added and demoted show in channel_role', async () => {
    const channel = await kungFu();
    await channel.addMembers(['alice', 'bob']);
    await channel.addModerators(['alice']);
    let { members } = await channel.query({});
    expect(members.map((m) => [m.user_id, m.channel_role])).toEqual([['alice', 'channel_moderator'], ['bob', 'channel_member']]);
    await channel.demoteModerators(['alice']);
    await channel.removeMembers(['bob']);
    ({ members } = await channel.query({}));
    expect(members.map((m) => [m.user_id, m.channel_role])).toEqual([['alice', 'channel_member']]);
  });

  it('a message with an image attachment (custom field), mentioned_users and a top-level custom field, sent as a user', async () => {
    const channel = await kungFu();
    await channel.addMembers(['alice', 'bob']);
    const sent = await channel.sendMessage({
      text: '@alice check this',
      user_id: 'bob',
      attachments: [{ type: 'image', image_url: 'https://example.com/a.png', camera: 'leica' }],
      mentioned_users: ['alice'],
      priority: 'high',
    } as Loose);
    const { message } = await client.getMessage(sent.message.id);
    expect(message.user?.id).toBe('bob');
    expect(message.attachments).toEqual([{ type: 'image', image_url: 'https://example.com/a.png', camera: 'leica' }]);
    expect(message.mentioned_users?.map((u) => u.id)).toEqual(['alice']);
    expect((message as Loose).priority).toBe('high');
    expect((message as Loose).channel.cid).toBe('messaging:kung-fu');
  });
});

describe('users', () => {
  it('refuses more than 100 users in one upsert with code 4', async () => {
    const users = Array.from({ length: 101 }, (_, i) => ({ id: `u${i}` }));
    const err = await sdkError(client.upsertUsers(users));
    expect(err).toMatchObject({ code: 4, status: 400 });
    expect(err.message).toContain('UpdateUsers failed with error');
    expect(emu.state.users()).toHaveLength(0);
  });

  it('partial update sets and unsets; query filters, sorts and limits', async () => {
    await client.upsertUsers([{ id: 'a', team: 'red', n: 1 } as Loose, { id: 'b', team: 'blue', n: 2 } as Loose, { id: 'c', team: 'red', n: 3 } as Loose]);
    await client.partialUpdateUser({ id: 'a', set: { name: 'Ann' }, unset: ['team'] } as Loose);
    expect(emu.state.user('a')).toMatchObject({ name: 'Ann' });
    expect(emu.state.user('a')).not.toHaveProperty('team');
    const { users } = await client.queryUsers({ team: 'red' } as Loose, { n: -1 } as Loose, { limit: 5 });
    expect(users.map((u) => u.id)).toEqual(['c']);
  });
});

describe('channels', () => {
  it('create needs created_by_id under server auth (code 4, Stream wording)', async () => {
    const err = await sdkError(client.channel('messaging', 'nobody').create());
    expect(err.code).toBe(4);
    expect(err.message).toContain('either data.created_by or data.created_by_id must be provided when using server side auth.');
  });

  it('watch and query return channel, members and messages; distinct channels get a !members id', async () => {
    const channel = await kungFu();
    const watched = await channel.watch();
    expect(watched.channel.cid).toBe('messaging:kung-fu');
    expect(Array.isArray(watched.messages)).toBe(true);
    const distinct = client.channel('messaging', { members: ['alice', 'bob'], created_by_id: 'john' } as Loose);
    const res = await distinct.create();
    expect(res.channel.id).toMatch(/^!members-/);
  });

  it('partial update keeps other custom fields; update replaces them', async () => {
    const channel = await kungFu();
    await channel.update({ name: 'A', color: 'blue' } as Loose);
    await channel.updatePartial({ set: { topic: 'x' }, unset: ['color'] } as Loose);
    expect(emu.state.channel('messaging:kung-fu')!.channel).toMatchObject({ name: 'A', topic: 'x' });
    expect(emu.state.channel('messaging:kung-fu')!.channel).not.toHaveProperty('color');
    await channel.update({ name: 'B' } as Loose);
    expect(emu.state.channel('messaging:kung-fu')!.channel).not.toHaveProperty('topic');
  });

  it('queryChannels filters by member and sorts; truncate empties; delete removes', async () => {
    const channel = await kungFu();
    await channel.addMembers(['alice']);
    await client.channel('messaging', 'other', { created_by_id: 'john', members: ['bob'] } as Loose).create();
    const found = await client.queryChannels({ members: { $in: ['alice'] } } as Loose, { last_message_at: -1 } as Loose);
    expect(found.map((c) => c.cid)).toEqual(['messaging:kung-fu']);
    await channel.sendMessage({ text: 'x', user_id: 'alice' } as Loose);
    await channel.truncate({ user_id: 'john' } as Loose);
    expect(emu.state.messages('messaging:kung-fu')).toHaveLength(0);
    await channel.sendMessage({ id: 'after-truncate', text: 'y', user_id: 'alice' } as Loose);
    await channel.delete();
    expect(emu.state.channel('messaging:kung-fu')).toBeUndefined();
    expect((await sdkError(client.getMessage('after-truncate'))).code).toBe(16);
    expect((await sdkError(channel.updatePartial({ set: { a: 1 } as Loose }))).status).toBe(404);
  });

  it('adding a user that does not exist is refused', async () => {
    const channel = await kungFu();
    const err = await sdkError(channel.addMembers(['ghost']));
    expect(err.code).toBe(4);
    expect(err.message).toContain('ghost');
  });
});

describe('messages', () => {
  it('keeps a client-chosen id and refuses the same id again with "already exists"', async () => {
    const channel = await kungFu();
    const res = await channel.sendMessage({ id: 'fixed-1', text: 'one', user_id: 'john' } as Loose);
    expect(res.message.id).toBe('fixed-1');
    const err = await sdkError(channel.sendMessage({ id: 'fixed-1', text: 'two', user_id: 'john' } as Loose));
    expect(err).toMatchObject({ code: 4, status: 400 });
    expect(err.message).toContain('a message with ID fixed-1 already exists');
    expect(emu.state.messages('messaging:kung-fu').map((m) => m.text)).toEqual(['one']);
  });

  it('needs an acting user under server auth', async () => {
    const channel = await kungFu();
    const err = await sdkError(channel.sendMessage({ text: 'anonymous' }));
    expect(err.message).toContain('either message.user or message.user_id must be provided when using server side auth.');
  });

  it('threads: a reply has type reply, bumps reply_count, stays out of the channel list, and comes back from getReplies', async () => {
    const channel = await kungFu();
    const parent = await channel.sendMessage({ text: 'parent', user_id: 'john' } as Loose);
    const reply = await channel.sendMessage({ text: 'reply', user_id: 'alice', parent_id: parent.message.id } as Loose);
    expect(reply.message).toMatchObject({ type: 'reply', parent_id: parent.message.id });
    expect((await client.getMessage(parent.message.id)).message.reply_count).toBe(1);
    const state = await channel.query({ messages: { limit: 10 } });
    expect(state.messages.map((m) => m.text)).toEqual(['parent']);
    const replies = await channel.getReplies(parent.message.id, {});
    expect(replies.messages.map((m) => m.text)).toEqual(['reply']);
  });

  it('update replaces, partial update sets/unsets, soft delete keeps a deleted message, hard delete removes it', async () => {
    const channel = await kungFu();
    const { message } = await channel.sendMessage({ id: 'm1', text: 'v1', user_id: 'john', mood: 'ok', tag: 1 } as Loose);
    await client.updateMessage({ id: message.id, text: 'v2', mood: 'great' } as Loose, 'john');
    expect(emu.state.message('m1')).toMatchObject({ text: 'v2', mood: 'great' });
    expect(emu.state.message('m1')).not.toHaveProperty('tag');
    await client.partialUpdateMessage('m1', { set: { text: 'v3' }, unset: ['mood'] } as Loose, 'john');
    expect(emu.state.message('m1')).toMatchObject({ text: 'v3', message_text_updated_at: expect.any(String) });
    expect(emu.state.message('m1')).not.toHaveProperty('mood');
    await client.deleteMessage('m1');
    expect(emu.state.message('m1')).toMatchObject({ type: 'deleted', deleted_at: expect.any(String) });
    await client.deleteMessage('m1', true);
    expect(emu.state.message('m1')).toBeUndefined();
    expect((await sdkError(client.getMessage('m1'))).code).toBe(16);
  });
});

describe('read state, events, reactions, moderation, app', () => {
  it('markRead records the member read state and answers a message.read event', async () => {
    const channel = await kungFu();
    await channel.addMembers(['alice']);
    await channel.sendMessage({ id: 'r1', text: 'hi', user_id: 'john' } as Loose);
    expect(emu.state.reads('messaging:kung-fu')).toEqual([expect.objectContaining({ unread_messages: 1 })]);
    const res = await channel.markRead({ user_id: 'alice' });
    expect(res?.event).toMatchObject({ type: 'message.read', cid: 'messaging:kung-fu' });
    expect(emu.state.reads('messaging:kung-fu')).toEqual([expect.objectContaining({ user: expect.objectContaining({ id: 'alice' }), unread_messages: 0, last_read_message_id: 'r1' })]);
  });

  it('typing.start / typing.stop through sendEvent show in the typing view', async () => {
    const channel = await kungFu();
    await channel.sendEvent({ type: 'typing.start', user_id: 'alice' } as Loose);
    expect(emu.state.typing('messaging:kung-fu')).toEqual(['alice']);
    await channel.sendEvent({ type: 'typing.stop', user_id: 'alice' } as Loose);
    expect(emu.state.typing('messaging:kung-fu')).toEqual([]);
  });

  it('reactions count per type; enforce_unique replaces the user\'s other reaction', async () => {
    const channel = await kungFu();
    await channel.sendMessage({ id: 'x1', text: 'hi', user_id: 'john' } as Loose);
    await channel.sendReaction('x1', { type: 'like', user_id: 'alice' } as Loose);
    await channel.sendReaction('x1', { type: 'love', user_id: 'bob' } as Loose);
    await channel.sendReaction('x1', { type: 'wow', user_id: 'bob' } as Loose, { enforce_unique: true });
    expect(emu.state.message('x1')!.reaction_counts).toEqual({ like: 1, wow: 1 });
  });

  it('ban and unban, channel-scoped (type+id) and global; flag', async () => {
    const channel = await kungFu();
    await channel.addMembers(['alice']);
    await channel.banUser('alice', { banned_by_id: 'john', reason: 'spam' });
    expect(emu.state.members('messaging:kung-fu')[0]).toMatchObject({ user_id: 'alice', banned: true });
    expect(emu.state.user('alice')).toMatchObject({ banned: false });
    await channel.unbanUser('alice');
    expect(emu.state.members('messaging:kung-fu')[0]).toMatchObject({ banned: false });
    await client.banUser('bob', { banned_by_id: 'john', timeout: 60 });
    expect(emu.state.user('bob')).toMatchObject({ banned: true, ban_expires: expect.any(String) });
    await client.unbanUser('bob');
    expect(emu.state.user('bob')).toMatchObject({ banned: false });
    await channel.sendMessage({ id: 'f1', text: 'bad', user_id: 'alice' } as Loose);
    const flagged = await client.flagMessage('f1', { user_id: 'john', reason: 'rude' } as Loose);
    expect(flagged.flag).toMatchObject({ target_message_id: 'f1' });
    expect(emu.state.flags()).toHaveLength(1);
  });

  it('app settings: PATCH webhook_url then GET shows it; channel types and rate limits answer', async () => {
    await client.updateAppSettings({ webhook_url: 'http://127.0.0.1:9/hook' });
    const { app } = await client.getAppSettings();
    expect(app?.webhook_url).toBe('http://127.0.0.1:9/hook');
    expect((await client.getChannelType('messaging')).typing_events).toBe(true);
    const limits = await client.getRateLimits({ serverSide: true, endpoints: ['SendMessage'] });
    expect(limits.server_side?.SendMessage?.limit).toBe(1000);
  });

  it('every answer carries X-RateLimit-* headers and counts per endpoint', async () => {
    const channel = await kungFu();
    const res = await fetch(`${emu.url}/channels/messaging/kung-fu/message?api_key=${emu.apiKey}`, {
      method: 'POST',
      headers: { authorization: client._getToken()!, 'stream-auth-type': 'jwt', 'content-type': 'application/json' },
      body: JSON.stringify({ message: { text: 'raw', user_id: 'john' } }),
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-ratelimit-limit')).toBe('1000');
    expect(Number(res.headers.get('x-ratelimit-remaining'))).toBe(999);
    expect(Number(res.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
    await channel.sendMessage({ text: 'sdk', user_id: 'john' } as Loose);
    expect(emu.requests.count('SendMessage', 'ok')).toBe(2);
    expect(emu.state.messageCount('messaging:kung-fu')).toBe(2);
  });
});
