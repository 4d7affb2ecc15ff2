/**
 * `botyard dev` keeps one world under .botyard/dev: the emulators' state and the runtime's store
 * survive a restart together; --fresh clears both; an identity the emulator forgot is never kept.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { StreamChat } from 'stream-chat';
import { startDevStack, type DevStack } from '../../src/cli/dev-stack.ts';
import { silentLogger } from '../../src/runtime/log.ts';
import { waitFor } from '../helpers/wait.ts';

type Loose = any;
const here = path.dirname(fileURLToPath(import.meta.url));
const botsDir = path.resolve(here, '../production/fixtures/echo-bots');
const project = mkdtempSync(path.join(tmpdir(), 'botyard-dev-persist-'));
afterAll(() => rmSync(project, { recursive: true, force: true }));

const start = (fresh = false) =>
  startDevStack({ env: {}, cwd: project, log: silentLogger, port: 0, config: { botsDir, acs: { pollMinIntervalMs: 50, pollMaxIntervalMs: 200 } }, persist: { fresh } });
const acsBotId = (stack: DevStack) => stack.booted.runtime.adapterFor('acs')!.botUser.id;
const echoes = (stack: DevStack, cid: string) => stack.stream!.state.messages(cid).filter((m: Loose) => m.user.id === 'botyard').map((m: Loose) => m.text);

describe('botyard dev state', () => {
  it('a restarted dev finds channels, messages, threads, its ACS identity and bot state where it left them; --fresh starts clean', async () => {
    let stack = await start();
    expect(stack.booted.stores.summary).toContain(path.join(project, '.botyard', 'dev', 'botyard.db'));
    const client = new StreamChat(stack.stream!.apiKey, stack.stream!.apiSecret, { baseURL: stack.stream!.url });
    await client.upsertUser({ id: 'kim', name: 'Kim' });
    const ch = client.channel('messaging', 'persisted', { created_by_id: 'kim', members: ['kim', 'botyard'] } as Loose);
    await ch.create();
    const { message: first } = await ch.sendMessage({ text: 'before the restart', user_id: 'kim' } as Loose);
    await waitFor(() => echoes(stack, ch.cid).includes('echo: before the restart'), { what: 'the first echo' });
    // State the emulator's fidelity routes add: a custom role, a "delete for me", a soft-deleted user.
    await client.createRole('tester');
    await client.delete(`${client.baseURL}/messages/${first.id}`, { delete_for_me: true, deleted_by: 'kim' });
    await client.upsertUser({ id: 'gone' });
    await client.deleteUser('gone');
    // user.deleted goes to the runtime: let it land before the stop (a webhook still arriving while the
    // server closes keeps its keep-alive socket open, and the stop then waits out keepAliveTimeout).
    await stack.stream!.webhooksIdle();
    const botId = acsBotId(stack);
    const kimAcs = stack.acs!.admin.createUser('Kim').id;
    const thread = stack.acs!.admin.createThread(kimAcs, { topic: 'kept', participants: [kimAcs, botId] });
    await stack.booted.runtime.store.set('echo:counter', 7);
    await stack.stop();

    stack = await start();
    expect(acsBotId(stack)).toBe(botId);
    expect(stack.acs!.state.thread(thread)?.topic).toBe('kept');
    expect(stack.acs!.state.participants(thread).map((p) => p.id)).toContain(botId);
    expect(await stack.booted.runtime.store.get('echo:counter')).toBe(7);
    expect(echoes(stack, ch.cid)).toEqual(['echo: before the restart']);
    const restarted = new StreamChat(stack.stream!.apiKey, stack.stream!.apiSecret, { baseURL: stack.stream!.url });
    expect((await restarted.listRoles()).roles.map((r) => r.name)).toContain('tester');
    const forKim = await restarted.queryChannels({ cid: ch.cid } as Loose, {}, { user_id: 'kim' } as Loose);
    expect(forKim[0]!.state.messages.find((m) => m.id === first.id)).toMatchObject({ type: 'deleted', deleted_for_me: true });
    expect((await restarted.getMessage(first.id)).message.type).toBe('regular');
    expect((await restarted.queryUsers({ id: { $in: ['kim', 'gone'] } })).users.map((u) => u.id)).toEqual(['kim']);
    // The same channel works on: a new message is answered once, the old one is not answered again.
    const again = new StreamChat(stack.stream!.apiKey, stack.stream!.apiSecret, { baseURL: stack.stream!.url });
    await again.channel('messaging', 'persisted').sendMessage({ text: 'after the restart', user_id: 'kim' } as Loose);
    await waitFor(() => echoes(stack, ch.cid).length === 2, { what: 'the second echo' });
    expect(echoes(stack, ch.cid)).toEqual(['echo: before the restart', 'echo: after the restart']);
    // An ACS message in the kept thread reaches the bot (the identity is real in the emulator).
    stack.acs!.admin.sendMessage(thread, kimAcs, 'hello acs');
    await waitFor(() => stack.acs!.state.messages(thread).some((m) => m.senderId === botId && m.content === 'echo: hello acs'), { what: 'the ACS echo' });
    await stack.stop();

    stack = await start(true);
    expect(acsBotId(stack)).not.toBe(botId);
    expect(stack.stream!.state.channel(ch.cid)).toBeUndefined();
    expect(stack.acs!.state.thread(thread)).toBeUndefined();
    expect(await stack.booted.runtime.store.get('echo:counter')).toBeUndefined();
    await stack.stop();
  }, 60_000);

  it('forgets a kept ACS identity the emulator no longer knows, and makes a new one', async () => {
    let stack = await start(true);
    const first = acsBotId(stack);
    await stack.stop();
    rmSync(path.join(project, '.botyard', 'dev', 'acs-emulator.json'));
    stack = await start();
    const second = acsBotId(stack);
    expect(second).not.toBe(first);
    expect(stack.acs!.state.users().some((u) => u.id === second && !u.deleted)).toBe(true);
    await stack.stop();
    expect(existsSync(path.join(project, '.botyard', 'dev', 'acs-emulator.json'))).toBe(true);
  }, 60_000);
});
