/**
 * The operator CLI beyond the seed backend, against the Stream emulator and read back through the
 * real SDK: no-ops said as such, users sync stopping at the first sign that nothing can work, channel
 * list/show/delete, users list/delete, ban and mute.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StreamChat } from 'stream-chat';
import type { CliCommand } from '../../src/cli/command.ts';
import { banCommand } from '../../src/cli/commands/ban.ts';
import { channelDeleteCommand } from '../../src/cli/commands/channel-delete.ts';
import { channelListCommand } from '../../src/cli/commands/channel-list.ts';
import { channelMembersCommand } from '../../src/cli/commands/channel-members.ts';
import { channelModeratorsCommand } from '../../src/cli/commands/channel-moderators.ts';
import { channelShowCommand } from '../../src/cli/commands/channel-show.ts';
import { muteCommand } from '../../src/cli/commands/mute.ts';
import { usersDeleteCommand } from '../../src/cli/commands/users-delete.ts';
import { usersListCommand } from '../../src/cli/commands/users-list.ts';
import { usersSyncCommand } from '../../src/cli/commands/users-sync.ts';
import { startStreamEmulator, type StreamEmulator } from '../../src/emulator/stream/index.ts';
import { runCommand } from './run-command.ts';

type Loose = any;
let emu: StreamEmulator;
let dir: string;
let sdk: StreamChat;

beforeAll(async () => {
  emu = await startStreamEmulator();
  dir = await mkdtemp(path.join(tmpdir(), 'botyard-ops-'));
  sdk = new StreamChat(emu.apiKey, emu.apiSecret, { baseURL: emu.url, disableCache: true, timeout: 30_000 });
  await sdk.upsertUsers([{ id: 'john', name: 'John' }, { id: 'alice', name: 'Alice' }, { id: 'bob', name: 'Bob' }, { id: 'carol' }, { id: 'botyard' }]);
  await sdk.channel('messaging', 'dojo', { created_by_id: 'john', name: 'Dojo', members: ['john', 'alice'], level: 'beginner' } as Loose).create();
  await sdk.channel('team', 'ops', { created_by_id: 'john', members: ['john'] } as Loose).create();
});
afterAll(async () => {
  await emu?.close();
  await rm(dir, { recursive: true, force: true });
});

const run = (cmd: CliCommand, args: string[], flags: Record<string, string | true> = {}, env: NodeJS.ProcessEnv = emu.env) => runCommand(cmd, args, flags, env, dir);

const roles = async (cid: string) => (await sdk.channel('messaging', cid.split(':')[1]!).query({})).members.map((m) => [m.user_id, m.channel_role]);

describe('no-ops are said as such', () => {
  it('adding a member twice, removing a non-member; promoting a moderator twice, demoting a non-moderator, promoting a non-member', async () => {
    const members = await run(channelMembersCommand, ['messaging:dojo'], { add: 'bob,alice', remove: 'carol' });
    expect(members).toMatchObject({ code: 0, out: 'added bob to messaging:dojo\nalice is already a member of messaging:dojo: nothing to do\ncarol is not a member of messaging:dojo: nothing to do' });
    expect(emu.requests.count('UpdateChannel')).toBe(1);

    expect((await run(channelModeratorsCommand, ['messaging:dojo'], { add: 'bob' })).out).toBe('promoted bob in messaging:dojo');
    const again = await run(channelModeratorsCommand, ['messaging:dojo'], { add: 'bob', demote: 'alice' });
    expect(again).toMatchObject({ code: 0, out: 'bob is already a moderator of messaging:dojo: nothing to do\nalice is not a moderator of messaging:dojo: nothing to do' });
    const outsider = await run(channelModeratorsCommand, ['messaging:dojo'], { add: 'carol' });
    expect(outsider.code).toBe(1);
    expect(outsider.err).toContain('carol is not a member of messaging:dojo; add them first: botyard channel members messaging:dojo --add carol');
    expect(await roles('messaging:dojo')).toEqual([['john', 'channel_member'], ['alice', 'channel_member'], ['bob', 'channel_moderator']]);
  });
});

describe('users sync', () => {
  it('against an endpoint nothing listens on: stops at the first batch with one error naming the key, not 250 ids', async () => {
    await writeFile(path.join(dir, 'users.json'), JSON.stringify(Array.from({ length: 250 }, (_, i) => ({ id: `u${i}` }))));
    const r = await run(usersSyncCommand, ['users.json'], {}, { ...emu.env, STREAM_BASE_URL: 'http://127.0.0.1:1' });
    expect(r.code).toBe(1);
    expect(r.out).toBe('Stopped after 0 of 250 users: 250 not tried; run again once fixed (upserting is idempotent).');
    expect(r.err).toBe('botyard users sync: environment variable STREAM_BASE_URL: cannot reach http://127.0.0.1:1 (ECONNREFUSED). Fix: use the URL `botyard emulator` printed, or unset it to use Stream\'s cloud');
  });

  it('with a secret Stream refuses: one error naming STREAM_API_SECRET', async () => {
    const r = await run(usersSyncCommand, ['users.json'], {}, { ...emu.env, STREAM_API_SECRET: 'wrong' });
    expect(r.code).toBe(1);
    expect(r.err.split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/STREAM_API_SECRET: Stream refused calls signed with it/);
  });
});

describe('channels', () => {
  it('list (newest first, by type), show (members and roles), delete (asks for --yes; a missing one is nothing to do)', async () => {
    const listed = await run(channelListCommand, [], {});
    expect(listed.out.split('\n')).toEqual(['team:ops  1 member  created by john', 'messaging:dojo  "Dojo"  3 members  created by john']);
    expect((await run(channelListCommand, [], { type: 'team', json: true })).out).toContain('"cid": "team:ops"');

    const shown = await run(channelShowCommand, ['messaging:dojo']);
    expect(shown.out.split('\n')).toEqual([
      'messaging:dojo  "Dojo"',
      expect.stringMatching(/^ {2}created by john at \d{4}-/),
      '  data: {"level":"beginner"}',
      '  3 members:',
      '    john (John)',
      '    alice (Alice)',
      '    bob (Bob)  moderator',
    ]);
    expect(await run(channelShowCommand, ['messaging:nope'])).toMatchObject({ code: 1, err: expect.stringContaining('there is no channel messaging:nope') });

    expect((await run(channelDeleteCommand, ['team:ops'])).code).toBe(2);
    expect(await run(channelDeleteCommand, ['team:ops'], { yes: true })).toMatchObject({ code: 0, out: 'Deleted team:ops.' });
    expect(await run(channelDeleteCommand, ['team:ops'], { yes: true })).toMatchObject({ code: 0, out: 'There is no channel team:ops: nothing to do.' });
    expect((await sdk.queryChannels({ cid: 'team:ops' } as Loose)).length).toBe(0);
  });
});

describe('users', () => {
  it('list (by id, filtered by a word), delete (asks for --yes; an unknown id is nothing to do)', async () => {
    expect((await run(usersListCommand, [], { query: 'ali' })).out).toBe('alice  "Alice"  user');
    expect((await run(usersDeleteCommand, ['carol'])).code).toBe(2);
    expect(await run(usersDeleteCommand, ['carol,nobody'], { yes: true })).toMatchObject({ code: 0, out: 'deleted carol\nnobody: no such user, nothing to do' });
    expect((await sdk.queryUsers({ id: 'carol' } as Loose)).users).toEqual([]);
  });
});

describe('ban and mute', () => {
  it('ban everywhere and in one channel, lift them; lifting a ban that is not there is nothing to do', async () => {
    expect((await run(banCommand, ['bob'])).err).toContain('--by');
    expect(await run(banCommand, ['bob'], { by: 'john', reason: 'spam', timeout: '60' })).toMatchObject({ code: 0, out: 'banned bob everywhere for 60 minutes (spam)' });
    expect((await sdk.queryUsers({ id: 'bob' } as Loose)).users[0]).toMatchObject({ banned: true });
    expect(await run(banCommand, ['alice'], { by: 'john', channel: 'messaging:dojo' })).toMatchObject({ code: 0, out: 'banned alice in messaging:dojo' });
    expect(emu.state.members('messaging:dojo').find((m) => m.user_id === 'alice')).toMatchObject({ banned: true });

    expect(await run(banCommand, ['bob'], { undo: true })).toMatchObject({ code: 0, out: 'lifted the ban on bob everywhere' });
    expect((await sdk.queryUsers({ id: 'bob' } as Loose)).users[0]).toMatchObject({ banned: false });
    expect(await run(banCommand, ['bob'], { undo: true })).toMatchObject({ code: 0, out: 'bob is not banned everywhere: nothing to do' });
    expect(await run(banCommand, ['alice'], { undo: true, channel: 'messaging:dojo' })).toMatchObject({ out: 'lifted the ban on alice in messaging:dojo' });
    expect(emu.state.members('messaging:dojo').find((m) => m.user_id === 'alice')).toMatchObject({ banned: false });
  });

  it('mute for a user, with a timeout; --undo unmutes', async () => {
    expect(await run(muteCommand, ['bob'], { by: 'botyard', timeout: '30' })).toMatchObject({ code: 0, out: 'botyard mutes bob for 30 minutes' });
    const mutes = async () => ((await sdk.muteUser('john', 'botyard')) as Loose).own_user.mutes.map((m: Loose) => m.target.id).sort();
    expect(await mutes()).toEqual(['bob', 'john']);
    expect(await run(muteCommand, ['bob'], { by: 'botyard', undo: true })).toMatchObject({ code: 0, out: 'botyard no longer mutes bob' });
    expect(await mutes()).toEqual(['john']);
  });
});
