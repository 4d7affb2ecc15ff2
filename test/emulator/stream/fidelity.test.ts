/**
 * Issue 15's Stream mismatches, each checked through the real stream-chat SDK: where the emulator was
 * more permissive or thinner than the service, a bot could pass here and fail in production.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StreamChat } from 'stream-chat';
import type { StreamEmulator } from '../../../src/emulator/stream/index.ts';
import { emulatorWithClient, sdkError, startReceiver, type Receiver } from './helpers.ts';

let emu: StreamEmulator;
let client: StreamChat;
type Loose = any;

beforeEach(async () => {
  ({ emu, client } = await emulatorWithClient());
  await client.upsertUsers([{ id: 'john', role: 'admin' }, { id: 'alice' }, { id: 'bob' }]);
});
afterEach(async () => {
  await emu.close();
});

const channelOf = async (id: string, members: string[] = ['john', 'alice']) => {
  const ch = client.channel('messaging', id, { created_by_id: 'john', members } as Loose);
  await ch.create();
  return ch;
};

/** Raw call with a user token, for what a user's own client would see. */
async function asUser(userId: string, path: string): Promise<any> {
  const res = await fetch(`${emu.url}${path}${path.includes('?') ? '&' : '?'}api_key=${emu.apiKey}`, {
    headers: { authorization: client.createToken(userId), 'stream-auth-type': 'jwt' },
  });
  return res.json();
}

describe('queryChannels sorts by last_updated by default (item 2)', () => {
  it("the SDK's default sort ([]) and [{ last_updated: -1 }] put the channel with the newest message first", async () => {
    const a = await channelOf('a');
    await channelOf('b');
    await channelOf('c');
    await a.sendMessage({ text: 'a is active', user_id: 'john' } as Loose);
    // Newest activity first: a (message), then c and b (creation order, newest first).
    const byDefault = await client.queryChannels({ members: { $in: ['john'] } });
    expect(byDefault.map((c) => c.id)).toEqual(['a', 'c', 'b']);
    const documented = await client.queryChannels({ members: { $in: ['john'] } }, [{ last_updated: -1 }]);
    expect(documented.map((c) => c.id)).toEqual(['a', 'c', 'b']);
    const oldestFirst = await client.queryChannels({ members: { $in: ['john'] } }, [{ last_updated: 1 }]);
    expect(oldestFirst.map((c) => c.id)).toEqual(['b', 'c', 'a']);
    const byCreation = await client.queryChannels({ members: { $in: ['john'] } }, [{ created_at: 1 }]);
    expect(byCreation.map((c) => c.id)).toEqual(['a', 'b', 'c']);
  });
});

describe('delete for me (item 5)', () => {
  it('hides the message for the deleter only; a server call without a user is refused', async () => {
    const ch = await channelOf('general');
    const { message } = await ch.sendMessage({ text: 'oops', user_id: 'alice' } as Loose);
    // The JS SDK's server-side form sends delete_for_me=true with no user: the service needs one.
    const refused = await sdkError(client.deleteMessage(message.id, { deleteForMe: true }));
    expect([refused.status, refused.code]).toEqual([400, 4]);
    // With the deleter named (SPEC's deleted_by; stream-chat-python sends it in a DELETE body).
    const res = await client.delete<Loose>(`${client.baseURL}/messages/${message.id}`, { delete_for_me: true, deleted_by: 'alice' });
    expect(res.message.type).toBe('regular');
    expect((await client.getMessage(message.id)).message.type).toBe('regular');
    const forAlice = await asUser('alice', `/messages/${message.id}`);
    expect(forAlice.message).toMatchObject({ type: 'deleted', deleted_for_me: true });
    const forJohn = await asUser('john', `/messages/${message.id}`);
    expect(forJohn.message.type).toBe('regular');
    expect(emu.state.message(message.id)!.deleted_at).toBeUndefined();
  });

  it('a body-borne delete_for_me (the Python SDK form) is honoured, not turned into a delete for everyone', async () => {
    const ch = await channelOf('general');
    const { message } = await ch.sendMessage({ text: 'mine', user_id: 'alice' } as Loose);
    const res = await fetch(`${emu.url}/messages/${message.id}?api_key=${emu.apiKey}`, {
      method: 'DELETE',
      headers: { authorization: client._getToken()!, 'stream-auth-type': 'jwt', 'content-type': 'application/json' },
      body: JSON.stringify({ delete_for_me: true, user: { id: 'alice' } }),
    });
    expect(res.status).toBe(200);
    const state = await client.channel('messaging', 'general').query({ messages: { limit: 10 } });
    expect(state.messages.map((m) => m.type)).toEqual(['regular']);
    const forAlice = await client.queryChannels({ cid: 'messaging:general' }, [], { user_id: 'alice' } as Loose);
    expect(forAlice[0]!.state.messages.map((m) => m.type)).toEqual(['deleted']);
  });
});

describe('webhook payloads carry what SPEC lists (item 6)', () => {
  let receiver: Receiver;
  beforeEach(async () => {
    receiver = await startReceiver();
  });
  afterEach(async () => {
    await receiver.close();
  });

  it('channel and channel_custom on member and reaction events, message_id on reactions, parent_author on replies', async () => {
    const ch = await channelOf('general', ['john']);
    await ch.updatePartial({ set: { topic: 'kung fu' } } as Loose);
    const { message } = await ch.sendMessage({ text: 'root', user_id: 'john' } as Loose);
    emu.setWebhookUrl(receiver.url);
    await ch.addMembers(['alice']);
    await ch.sendReaction(message.id, { type: 'like', user_id: 'alice' } as Loose);
    await ch.sendMessage({ text: 'reply', user_id: 'alice', parent_id: message.id } as Loose);
    await ch.removeMembers(['alice']);
    await emu.webhooksIdle();
    const events = receiver.received.map((r) => JSON.parse(r.body.toString()));
    const byType = (t: string) => events.find((e) => e.type === t);
    for (const t of ['member.added', 'reaction.new', 'member.removed']) {
      expect(byType(t), t).toMatchObject({ channel: { cid: 'messaging:general', topic: 'kung fu' }, channel_custom: { topic: 'kung fu' } });
    }
    expect(byType('reaction.new')).toMatchObject({ message_id: message.id, reaction: { type: 'like' } });
    const reply = events.find((e) => e.type === 'message.new' && e.message.parent_id);
    expect(reply).toMatchObject({ parent_author: 'john', channel_custom: { topic: 'kung fu' } });
  });
});

describe('responses carry SPEC-required fields (item 7)', () => {
  it('users, messages and channel state', async () => {
    const { users } = await client.queryUsers({ id: 'alice' });
    expect(users[0]).toMatchObject({ language: '', blocked_user_ids: [], shadow_banned: false, invisible: false });
    const ch = await channelOf('general');
    const { message } = await ch.sendMessage({ text: 'hi', user_id: 'alice' } as Loose);
    expect(message).toMatchObject({ mentioned_here: false, mentioned_channel: false, restricted_visibility: [] });
    const state = await ch.query({});
    expect((state as Loose).threads).toEqual([]);
  });
});

describe('routes the SDK calls that were missing (item 8)', () => {
  it('queryMembers filters and pages the members of a channel', async () => {
    const ch = await channelOf('general', ['john', 'alice', 'bob']);
    await ch.addModerators(['bob']);
    const all = await ch.queryMembers({});
    expect(all.members.map((m) => m.user_id)).toEqual(['john', 'alice', 'bob']);
    const mods = await ch.queryMembers({ channel_role: 'channel_moderator' } as Loose);
    expect(mods.members.map((m) => m.user_id)).toEqual(['bob']);
    const paged = await ch.queryMembers({}, [], { limit: 1, offset: 1 });
    expect(paged.members.map((m) => m.user_id)).toEqual(['alice']);
  });

  it('search finds messages by text in the channels the filter names', async () => {
    const ch = await channelOf('general');
    await ch.sendMessage({ text: 'Kung Fu at six', user_id: 'alice' } as Loose);
    await ch.sendMessage({ text: 'nothing here', user_id: 'john' } as Loose);
    const other = await channelOf('other');
    await other.sendMessage({ text: 'kung fu elsewhere', user_id: 'john' } as Loose);
    const res = await client.search({ cid: 'messaging:general' }, 'kung fu');
    expect(res.results.map((r) => r.message.text)).toEqual(['Kung Fu at six']);
    expect(res.results[0]!.message.channel?.cid).toBe('messaging:general');
    const byUser = await client.search({ members: { $in: ['john'] } }, { user_id: 'john' } as Loose);
    expect(byUser.results.map((r) => r.message.text).sort()).toEqual(['kung fu elsewhere', 'nothing here']);
  });

  it('getMessagesById returns the messages of that channel', async () => {
    const ch = await channelOf('general');
    const a = await ch.sendMessage({ text: 'one', user_id: 'alice' } as Loose);
    const b = await ch.sendMessage({ text: 'two', user_id: 'alice' } as Loose);
    const res = await ch.getMessagesById([b.message.id, a.message.id, 'missing']);
    expect(res.messages.map((m) => m.text)).toEqual(['two', 'one']);
  });

  it('deleteUser soft-deletes (out of queries, user.deleted announced); hard delete removes the user', async () => {
    const announced = emu.waitForEvent('user.deleted');
    const res = await client.deleteUser('bob');
    expect(res.user.deleted_at).toEqual(expect.any(String));
    expect((await announced).user).toMatchObject({ id: 'bob' });
    expect((await client.queryUsers({ id: { $in: ['bob', 'alice'] } })).users.map((u) => u.id)).toEqual(['alice']);
    await client.deleteUser('alice', { hard_delete: true });
    expect(emu.state.user('alice')).toBeUndefined();
    expect((await sdkError(client.deleteUser('nobody'))).status).toBe(404);
  });

  it('partialUpdateMessage (PUT) answers 201 as SPEC says', async () => {
    const ch = await channelOf('general');
    const { message } = await ch.sendMessage({ text: 'draft', user_id: 'alice' } as Loose);
    let status = 0;
    const id = client.axiosInstance.interceptors.response.use((r) => ((status = r.status), r));
    await client.partialUpdateMessage(message.id, { set: { text: 'final' } }, 'alice');
    client.axiosInstance.interceptors.response.eject(id);
    expect(status).toBe(201);
  });
});

describe('what Stream refuses is refused (item 9)', () => {
  it('user ids with spaces or "!" are rejected, and the batch is left unapplied', async () => {
    for (const id of ['john doe', 'bang!', 'dotted.name']) {
      const err = await sdkError(client.upsertUsers([{ id: 'carol' }, { id }]));
      expect([err.status, err.code]).toEqual([400, 4]);
      expect(err.message).toContain('not a valid user id');
    }
    expect(emu.state.user('carol')).toBeUndefined();
    await client.upsertUser({ id: 'Carol@home_x-1' });
    expect(emu.state.user('Carol@home_x-1')).toBeDefined();
  });

  it('unknown roles are rejected on users and memberships; custom roles work once created', async () => {
    expect((await sdkError(client.upsertUser({ id: 'dan', role: 'superhero' }))).code).toBe(4);
    expect((await sdkError(client.partialUpdateUser({ id: 'alice', set: { role: 'superhero' } as Loose }))).code).toBe(4);
    const ch = await channelOf('general', ['john']);
    expect((await sdkError(ch.addMembers([{ user_id: 'alice', channel_role: 'admin' } as Loose]))).code).toBe(4);
    expect((await ch.queryMembers({})).members.map((m) => m.user_id)).toEqual(['john']);
    await client.createRole('superhero');
    await client.upsertUser({ id: 'dan', role: 'superhero' });
    await ch.addMembers([{ user_id: 'alice', channel_role: 'superhero' } as Loose]);
    expect((await ch.queryMembers({ id: 'alice' } as Loose)).members[0]!.channel_role).toBe('superhero');
    expect((await client.listRoles()).roles.map((r) => r.name)).toContain('superhero');
  });
});
