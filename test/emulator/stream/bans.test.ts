/**
 * A ban stops posting, through the real SDK: Stream answers a banned sender's SendMessage with 403 /
 * code 17 (channel ban or app-wide), a timed ban stops refusing once its timeout has run out, an unban
 * lifts it at once, and a shadow ban refuses nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { StreamChat } from 'stream-chat';
import type { StreamEmulator } from '../../../src/emulator/stream/index.ts';
import { emulatorWithClient, sdkError } from './helpers.ts';

type Loose = any;

describe('Stream emulator: banned users cannot post', () => {
  let emu: StreamEmulator;
  let client: StreamChat;
  let now = new Date('2030-01-01T10:00:00.000Z');

  afterEach(async () => {
    await emu?.close();
  });

  async function start() {
    now = new Date('2030-01-01T10:00:00.000Z');
    ({ emu, client } = await emulatorWithClient({ now: () => now }));
    await client.upsertUsers([{ id: 'mod' }, { id: 'alice' }]);
    const channel = client.channel('messaging', 'general', { created_by_id: 'mod' } as Loose);
    await channel.create();
    await channel.addMembers(['mod', 'alice']);
    const other = client.channel('messaging', 'other', { created_by_id: 'mod' } as Loose);
    await other.create();
    return { channel, other };
  }

  it('a channel ban refuses SendMessage in that channel only, with 403 / code 17, until unbanned', async () => {
    const { channel, other } = await start();
    await channel.banUser('alice', { banned_by_id: 'mod', reason: 'spam' });
    const refused = await sdkError(channel.sendMessage({ text: 'let me in', user_id: 'alice' } as Loose));
    expect(refused).toMatchObject({ status: 403, code: 17 });
    expect(refused.message).toContain('SendMessage failed with error:');
    expect(emu.state.messages('messaging:general')).toHaveLength(0);
    // Elsewhere she may still post.
    await other.sendMessage({ text: 'hi elsewhere', user_id: 'alice' } as Loose);
    await channel.unbanUser('alice');
    const sent = await channel.sendMessage({ text: 'back', user_id: 'alice' } as Loose);
    expect(sent.message.text).toBe('back');
  });

  it('an app-wide ban refuses everywhere; a timed one ends when its timeout runs out', async () => {
    const { channel, other } = await start();
    await client.banUser('alice', { banned_by_id: 'mod', timeout: 30 });
    for (const ch of [channel, other]) {
      expect(await sdkError(ch.sendMessage({ text: 'nope', user_id: 'alice' } as Loose))).toMatchObject({ status: 403, code: 17 });
    }
    now = new Date(now.getTime() + 29 * 60_000);
    expect(await sdkError(channel.sendMessage({ text: 'still', user_id: 'alice' } as Loose))).toMatchObject({ status: 403, code: 17 });
    expect(emu.state.user('alice')).toMatchObject({ banned: true });
    now = new Date(now.getTime() + 2 * 60_000);
    // Ended: the flags come down (what clients read), the ban stays listed unless expired ones are excluded.
    expect((await client.queryUsers({ id: 'alice' })).users[0]).toMatchObject({ banned: false });
    expect(emu.state.user('alice')).toMatchObject({ banned: false });
    expect((await client.queryBannedUsers({ user_id: 'alice' })).bans).toHaveLength(1);
    expect((await client.queryBannedUsers({ user_id: 'alice' }, {}, { exclude_expired_bans: true } as Loose)).bans).toHaveLength(0);
    const sent = await channel.sendMessage({ text: 'free again', user_id: 'alice' } as Loose);
    expect(sent.message.text).toBe('free again');
  });

  it('a timed channel ban ends too, and a shadow ban refuses nothing (the message is marked shadowed)', async () => {
    const { channel } = await start();
    await channel.banUser('alice', { banned_by_id: 'mod', timeout: 5 });
    expect(await sdkError(channel.sendMessage({ text: 'nope', user_id: 'alice' } as Loose))).toMatchObject({ status: 403, code: 17 });
    expect(emu.state.members('messaging:general').find((m) => m.user_id === 'alice')).toMatchObject({ banned: true });
    now = new Date(now.getTime() + 6 * 60_000);
    expect(emu.state.members('messaging:general').find((m) => m.user_id === 'alice')).toMatchObject({ banned: false });
    await channel.sendMessage({ text: 'ok now', user_id: 'alice' } as Loose);
    await channel.shadowBan('alice', { banned_by_id: 'mod' } as Loose);
    const shadowed = await channel.sendMessage({ id: 's1', text: 'whisper', user_id: 'alice' } as Loose);
    expect(shadowed.message.id).toBe('s1');
    expect(emu.state.message('s1')).toMatchObject({ shadowed: true });
  });

  it('a refused sender never reaches the before-send hook', async () => {
    const { channel } = await start();
    await channel.banUser('alice', { banned_by_id: 'mod' });
    await client.updateAppSettings({ before_message_send_hook_url: 'http://127.0.0.1:9/never' } as Loose);
    await sdkError(channel.sendMessage({ text: 'nope', user_id: 'alice' } as Loose));
    expect(emu.preSendCalls()).toHaveLength(0);
  });
});
