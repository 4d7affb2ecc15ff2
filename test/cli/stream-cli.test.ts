/** The Stream CLI commands against the emulator, read back through the real SDK. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StreamChat } from 'stream-chat';
import type { CliCommand } from '../../src/cli/command.ts';
import { channelCreateCommand } from '../../src/cli/commands/channel-create.ts';
import { channelMembersCommand } from '../../src/cli/commands/channel-members.ts';
import { channelModeratorsCommand } from '../../src/cli/commands/channel-moderators.ts';
import { channelUpdateCommand } from '../../src/cli/commands/channel-update.ts';
import { streamHooksCommand } from '../../src/cli/commands/stream-hooks.ts';
import { tokenCommand } from '../../src/cli/commands/token.ts';
import { usersSyncCommand } from '../../src/cli/commands/users-sync.ts';
import { startStreamEmulator, type StreamEmulator } from '../../src/emulator/stream/index.ts';
import { runCommand } from './run-command.ts';

let emu: StreamEmulator;
let dir: string;

beforeEach(async () => {
  emu = await startStreamEmulator();
  dir = await mkdtemp(path.join(tmpdir(), 'botyard-cli-'));
});
afterEach(async () => {
  await emu.close();
  await rm(dir, { recursive: true, force: true });
});

const run = (cmd: CliCommand, args: string[], flags: Record<string, string | true> = {}, env: NodeJS.ProcessEnv = emu.env) => runCommand(cmd, args, flags, env, dir);

const sdk = () => new StreamChat(emu.apiKey, emu.apiSecret, { baseURL: emu.url, disableCache: true, timeout: 30_000 });

describe('every command', () => {
  it.each([tokenCommand, usersSyncCommand, channelCreateCommand, channelUpdateCommand, channelMembersCommand, channelModeratorsCommand, streamHooksCommand])('$name has help with an example', (cmd) => {
    expect(cmd.help).toMatch(/^Usage: botyard /);
    expect(cmd.help).toContain(`botyard ${cmd.name} `);
    expect(cmd.help).toMatch(/Example/);
  });

  it('exits 1 naming the missing variable and the fix', async () => {
    const r = await run(tokenCommand, ['john'], {}, { STREAM_API_KEY: 'k' });
    expect(r.code).toBe(1);
    expect(r.err).toContain('STREAM_API_SECRET');
    expect(r.err).toContain('botyard emulator');
    const r2 = await run(channelMembersCommand, ['messaging:x'], { add: 'a' }, {});
    expect(r2.code).toBe(1);
    expect(r2.err).toContain('STREAM_API_KEY and STREAM_API_SECRET are not set');
  });
});

describe('token', () => {
  it('prints a token the emulator accepts, with exp when --expires-in is given', async () => {
    const r = await run(tokenCommand, ['john'], { 'expires-in': '60' });
    expect(r.code).toBe(0);
    const payload = JSON.parse(Buffer.from(r.out.split('.')[1]!, 'base64url').toString());
    expect(payload.user_id).toBe('john');
    expect(payload.exp - Date.now() / 1000).toBeGreaterThan(50);
    const res = await fetch(`${emu.url}/app?api_key=${emu.apiKey}`, { headers: { authorization: r.out, 'stream-auth-type': 'jwt' } });
    expect(res.status).toBe(200);
    expect((await run(tokenCommand, ['john'], { 'expires-in': 'soon' })).code).toBe(2);
  });
});

describe('users sync', () => {
  it('upserts 250 users in 3 calls with progress on stderr and a summary', async () => {
    const users = Array.from({ length: 250 }, (_, i) => ({ id: `user-${i}`, name: `User ${i}`, team: i % 2 ? 'odd' : 'even' }));
    users[0] = { ...users[0]!, role: 'admin' } as (typeof users)[0];
    await writeFile(path.join(dir, 'users.json'), JSON.stringify(users));
    const r = await run(usersSyncCommand, ['users.json']);
    expect(r.code).toBe(0);
    expect(emu.requests.count('UpdateUsers')).toBe(3);
    expect(r.err.split('\n')).toHaveLength(3);
    expect(r.err).toContain('250/250');
    expect(r.out).toBe('Synced 250 of 250 users in 3 calls; 0 failed.');
    const { users: back } = await sdk().queryUsers({ id: { $in: ['user-0', 'user-249'] } }, { id: 1 } as never);
    expect(back.map((u) => [u.id, u.role, (u as unknown as Record<string, unknown>).team])).toEqual([['user-0', 'admin', 'even'], ['user-249', 'user', 'odd']]);
  });

  it('exits 1 with the failing ids when a batch fails', async () => {
    await writeFile(path.join(dir, 'users.json'), JSON.stringify(Array.from({ length: 150 }, (_, i) => ({ id: `u${i}` }))));
    emu.faults.failNext('UpdateUsers', { status: 503 });
    const r = await run(usersSyncCommand, ['users.json']);
    expect(r.code).toBe(1);
    expect(r.out).toBe('Synced 50 of 150 users in 2 calls; 100 failed.');
    expect(r.err).toContain('Failed ids: u0, u1,');
    expect(r.err).toContain('u99');
    expect(r.err).not.toContain('u100,');
    expect(emu.state.users().map((u) => u.id)).toContain('u149');
  });

  it('refuses a file with entries lacking ids before calling Stream', async () => {
    await writeFile(path.join(dir, 'bad.json'), JSON.stringify([{ id: 'ok' }, { name: 'no id' }]));
    const r = await run(usersSyncCommand, ['bad.json']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('index 1');
    expect(emu.requests.count('UpdateUsers')).toBe(0);
  });
});

describe('channel', () => {
  it('create, update, members and moderators, read back through the SDK', async () => {
    await sdk().upsertUsers([{ id: 'john' }, { id: 'alice' }, { id: 'bob' }]);
    const created = await run(channelCreateCommand, ['messaging:kung-fu'], { 'created-by': 'john', name: 'Kung Fu', members: 'john,alice', data: '{"level":"beginner"}' });
    expect(created).toMatchObject({ code: 0, out: 'Created messaging:kung-fu.' });
    expect((await run(channelCreateCommand, ['messaging:kung-fu'], { 'created-by': 'john' })).out).toContain('already exists');
    expect((await run(channelUpdateCommand, ['messaging:kung-fu'], { image: 'https://example.com/d.png', data: '{"level":"advanced"}' })).code).toBe(0);
    expect((await run(channelMembersCommand, ['messaging:kung-fu'], { add: 'bob', remove: 'alice' })).code).toBe(0);
    expect((await run(channelModeratorsCommand, ['messaging:kung-fu'], { add: 'bob' })).code).toBe(0);
    const state = await sdk().channel('messaging', 'kung-fu').query({});
    expect(state.channel).toMatchObject({ name: 'Kung Fu', image: 'https://example.com/d.png', level: 'advanced', created_by: { id: 'john' } });
    expect(state.members.map((m) => [m.user_id, m.channel_role])).toEqual([['john', 'channel_member'], ['bob', 'channel_moderator']]);
    expect((await run(channelModeratorsCommand, ['messaging:kung-fu'], { demote: 'bob' })).code).toBe(0);
    expect(emu.state.members('messaging:kung-fu').find((m) => m.user_id === 'bob')).toMatchObject({ channel_role: 'channel_member' });
  });

  it('reports platform errors and bad arguments with a non-zero exit', async () => {
    expect((await run(channelCreateCommand, ['kung-fu'], { 'created-by': 'john' })).code).toBe(2);
    expect((await run(channelCreateCommand, ['messaging:x'], {})).err).toContain('--created-by');
    expect((await run(channelUpdateCommand, ['messaging:x'], { data: '{nope' })).err).toContain('--data is not valid JSON');
    const r = await run(channelMembersCommand, ['messaging:missing'], { add: 'bob' });
    expect(r.code).toBe(1);
    expect(r.err).toContain('16');
  });
});

describe('stream hooks', () => {
  it('sets webhook_url and before_message_send_hook_url through updateAppSettings and prints what the app now says', async () => {
    const r = await run(streamHooksCommand, [], { url: 'https://bots.example.com/' });
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      [
        `Stream app ${emu.apiKey} now has:`,
        '  webhook_url                   https://bots.example.com/webhooks/stream',
        '  before_message_send_hook_url  https://bots.example.com/webhooks/stream/before-send',
      ].join('\n'),
    );
    expect(emu.requests.count('UpdateApp', 'ok')).toBe(1);
    const { app } = await sdk().getAppSettings();
    expect(app).toMatchObject({ webhook_url: 'https://bots.example.com/webhooks/stream', before_message_send_hook_url: 'https://bots.example.com/webhooks/stream/before-send' });
  });

  it('refuses a missing or malformed --url with exit 2, changing nothing', async () => {
    expect((await run(streamHooksCommand, [], {})).code).toBe(2);
    const bad = await run(streamHooksCommand, [], { url: 'ftp://x' });
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--url must be http(s)');
    expect(emu.requests.count('UpdateApp')).toBe(0);
  });
});
