/**
 * `POST /users` (upsert) on an existing user, through the real SDK: it replaces what the caller sends
 * (role, custom fields) and leaves the server's own state alone, as Stream does: a ban, a shadow ban and
 * a soft delete survive it (the deleted user stays out of queries until `restoreUsers`).
 */
import { afterEach, expect, it } from 'vitest';
import type { StreamChat } from 'stream-chat';
import type { StreamEmulator } from '../../../src/emulator/stream/index.ts';
import { emulatorWithClient } from './helpers.ts';

type Loose = any;
let emu: StreamEmulator;
let client: StreamChat;
afterEach(async () => {
  await emu?.close();
});

it('an upsert keeps a shadow ban and a ban, and replaces the custom fields', async () => {
  ({ emu, client } = await emulatorWithClient());
  await client.upsertUsers([{ id: 'mod' }, { id: 'sly', name: 'Sly', mood: 'grumpy' } as Loose, { id: 'rex' }]);
  await client.shadowBan('sly', { banned_by_id: 'mod' } as Loose);
  await client.banUser('rex', { banned_by_id: 'mod', timeout: 60 });
  const { users } = await client.upsertUsers([{ id: 'sly', name: 'Sly Again' }, { id: 'rex', name: 'Rex' }]);
  expect(users.sly).toMatchObject({ name: 'Sly Again', shadow_banned: true, banned: false });
  expect(users.sly).not.toHaveProperty('mood');
  expect(users.rex).toMatchObject({ name: 'Rex', banned: true, ban_expires: expect.any(String) });
  expect(emu.state.user('sly')).toMatchObject({ shadow_banned: true });
  // Still shadow banned in fact, not only in the record: the next message is marked.
  const ch = client.channel('messaging', 'up', { created_by_id: 'mod' } as Loose);
  await ch.create();
  await ch.sendMessage({ id: 'after-upsert', text: 'hi', user_id: 'sly' } as Loose);
  expect(emu.state.message('after-upsert')).toMatchObject({ shadowed: true });
});

it('a soft-deleted user upserted again stays deleted (out of queries) until restoreUsers', async () => {
  ({ emu, client } = await emulatorWithClient());
  await client.upsertUsers([{ id: 'kim' }, { id: 'gone', name: 'Gone' }]);
  await client.deleteUser('gone');
  const upserted = await client.upsertUser({ id: 'gone', name: 'Back?' });
  expect(upserted.users.gone).toMatchObject({ name: 'Back?', deleted_at: expect.any(String) });
  expect((await client.queryUsers({ id: { $in: ['kim', 'gone'] } })).users.map((u) => u.id)).toEqual(['kim']);
  await client.restoreUsers(['gone']);
  const found = (await client.queryUsers({ id: 'gone' })).users;
  expect(found.map((u) => u.id)).toEqual(['gone']);
  expect(found[0]).not.toHaveProperty('deleted_at');
  expect(found[0]!.name).toBe('Back?');
});
