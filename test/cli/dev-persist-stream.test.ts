/**
 * What a restarted `botyard dev` needs from the Stream emulator's saved state, through the real SDK:
 * mutes; app settings changed last (PATCH /app announces no event, so nothing else saves them); uploaded
 * files, whose bytes live beside the state file and whose links in saved messages (and a user's image)
 * follow the emulator to its new port; a deleted upload stays deleted; --fresh forgets the files too.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { StreamChat } from 'stream-chat';
import { startDevStack } from '../../src/cli/dev-stack.ts';
import { silentLogger } from '../../src/runtime/log.ts';

type Loose = any;
const project = mkdtempSync(path.join(tmpdir(), 'botyard-dev-persist-stream-'));
afterAll(() => rmSync(project, { recursive: true, force: true }));
const uploadsDir = path.join(project, '.botyard', 'dev', 'stream-emulator.json.uploads');

const start = (fresh = false) =>
  startDevStack({ env: {}, cwd: project, log: silentLogger, port: 0, platforms: ['stream'], config: { bots: {}, botsDir: 'bots-none' }, persist: { fresh } });
const sdk = (stack: Awaited<ReturnType<typeof start>>) => new StreamChat(stack.stream!.apiKey, stack.stream!.apiSecret, { baseURL: stack.stream!.url, disableCache: true });

it('keeps mutes, app settings changed last, and uploads with working links across a restart', async () => {
  let stack = await start();
  let client = sdk(stack);
  const firstUrl = stack.stream!.url;
  await client.upsertUsers([{ id: 'kim' }, { id: 'bob' }]);
  const ch = client.channel('messaging', 'files', { created_by_id: 'kim', members: ['kim', 'bob'] } as Loose);
  await ch.create();
  await client.muteUser('bob', 'kim');
  const kept = (await ch.sendFile(Buffer.from('kept bytes'), 'kept.txt', 'text/plain', { id: 'kim' } as Loose)).file;
  const dropped = (await ch.sendFile(Buffer.from('gone bytes'), 'gone.txt', 'text/plain', { id: 'kim' } as Loose)).file;
  expect(kept.startsWith(`${firstUrl}/cdn/`)).toBe(true);
  await ch.sendMessage({ id: 'with-file', text: 'see file', user_id: 'kim', attachments: [{ type: 'file', asset_url: kept, title: 'kept.txt' }] } as Loose);
  await client.partialUpdateUser({ id: 'kim', set: { image: kept } as Loose });
  await ch.deleteFile(dropped);
  // Everything so far is on disk; then a settings change, with nothing after it, must be saved on its own.
  stack.stream!.saveState();
  await client.updateAppSettings({ custom_action_handler_url: 'http://127.0.0.1:9/actions' } as Loose);
  await stack.stop();
  expect(readdirSync(uploadsDir)).toHaveLength(1);

  stack = await start();
  client = sdk(stack);
  const url = stack.stream!.url;
  console.log(`emulator moved from ${firstUrl} to ${url}`);
  expect(stack.stream!.state.mutes()).toEqual([expect.objectContaining({ user: expect.objectContaining({ id: 'kim' }), target: expect.objectContaining({ id: 'bob' }) })]);
  expect((await client.getAppSettings()).app).toMatchObject({ custom_action_handler_url: 'http://127.0.0.1:9/actions' });
  const link = ((await client.getMessage('with-file')).message.attachments ?? [])[0]!.asset_url!;
  expect(link).toBe(`${url}${new URL(kept).pathname}`);
  const res = await fetch(link);
  expect(res.status).toBe(200);
  expect(await res.text()).toBe('kept bytes');
  expect((await client.queryUsers({ id: 'kim' })).users[0]!.image).toBe(link);
  expect((await fetch(`${url}${new URL(dropped).pathname}`)).status).toBe(404);
  await stack.stop();

  stack = await start(true);
  expect(existsSync(uploadsDir)).toBe(false);
  expect(stack.stream!.state.mutes()).toEqual([]);
  await stack.stop();
}, 60_000);
