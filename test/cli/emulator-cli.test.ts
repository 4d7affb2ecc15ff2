/**
 * `botyard say`, `botyard emulator webhook`, `botyard emulator fault` and `botyard emulator --fault`,
 * run in-process against emulators, read back through the real SDKs and the emulators' state.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StreamChat } from 'stream-chat';
import type { CliIo } from '../../src/cli/command.ts';
import { writeEmulatorEnv } from '../../src/cli/emulator-env.ts';
import { main } from '../../src/cli/main.ts';
import { startAcsEmulator, type AcsEmulator } from '../../src/emulator/acs/index.ts';
import { startStreamEmulator, type StreamEmulator } from '../../src/emulator/stream/index.ts';
import { startReceiver } from '../emulator/stream/helpers.ts';

let stream: StreamEmulator;
let acs: AcsEmulator;
let dir: string;
let forget: () => void;
type Loose = any;

beforeAll(async () => {
  [stream, acs] = await Promise.all([startStreamEmulator(), startAcsEmulator()]);
  dir = await mkdtemp(path.join(tmpdir(), 'botyard-say-'));
  // As `botyard dev` / `botyard emulator` leave it: the commands find the emulators with no env at all.
  forget = writeEmulatorEnv(dir, { ...stream.env, ...acs.env });
});
afterAll(async () => {
  forget();
  await Promise.all([stream.close(), acs.close()]);
  await rm(dir, { recursive: true, force: true });
});

async function cli(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l), env, cwd: dir };
  const code = await main(argv, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('botyard say', () => {
  it('posts as a Stream user into an existing channel, creating the user when new', async () => {
    const sdk = new StreamChat(stream.apiKey, stream.apiSecret, { baseURL: stream.url, disableCache: true });
    await sdk.upsertUser({ id: 'john' });
    await sdk.channel('messaging', 'general', { created_by_id: 'john' } as Loose).create();
    const r = await cli(['say', '--as', 'alice', '--in', 'stream:messaging:general', 'hello', 'there']);
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(stream.state.message(r.out)).toMatchObject({ text: 'hello there', user: { id: 'alice' } });
    const missing = await cli(['say', '--as', 'alice', '--in', 'stream:messaging:nowhere', 'hi']);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('botyard channel create messaging:nowhere');
  });

  it('posts into an ACS thread as a named user (made and added on the emulator) or as a user id', async () => {
    const owner = acs.admin.createUser('Owner');
    const thread = acs.admin.createThread(owner.id, { topic: 'cli' });
    const byName = await cli(['say', '--as', 'Alice', '--in', `acs:${thread}`, 'hi from the shell']);
    expect(byName).toMatchObject({ code: 0, err: '' });
    const byId = await cli(['say', '--as', owner.id, '--in', `acs:${thread}`, 'and from the owner']);
    expect(byId.code).toBe(0);
    const texts = acs.state.messages(thread).filter((m) => m.type === 'text').map((m) => [m.content, m.senderDisplayName ?? m.senderId === owner.id]);
    expect(texts).toEqual([['hi from the shell', 'Alice'], ['and from the owner', true]]);
  });

  it('says what is missing', async () => {
    expect((await cli(['say', '--in', 'stream:messaging:general', 'x'])).err).toContain('--as');
    expect((await cli(['say', '--as', 'a', '--in', 'teams:x', 'x'])).err).toContain("neither stream:<type>:<id>");
    expect((await cli(['say', '--as', 'a', '--in', 'acs:19:x@thread.v2', 'x'], { ACS_CONNECTION_STRING: 'endpoint=https://127.0.0.1:1/;accesskey=eA==' })).code).toBe(1);
  });
});

describe('botyard emulator webhook and fault', () => {
  it('points Stream webhooks at a URL (PATCH /app) and stops them', async () => {
    const receiver = await startReceiver();
    try {
      expect(await cli(['emulator', 'webhook', '--url', receiver.url])).toMatchObject({ code: 0, out: `stream: deliveries go to ${receiver.url}` });
      const sdk = new StreamChat(stream.apiKey, stream.apiSecret, { baseURL: stream.url });
      await sdk.upsertUser({ id: 'ping' });
      await sdk.upsertUser({ id: 'ping', name: 'changed' }); // user.updated is delivered (user.created is not)
      await stream.webhooksIdle();
      expect(receiver.received.map((r) => JSON.parse(r.body.toString()).type)).toEqual(['user.updated']);
      expect((await cli(['emulator', 'webhook', '--off'])).code).toBe(0);
      await sdk.upsertUser({ id: 'ping', name: 'again' });
      await stream.webhooksIdle();
      expect(receiver.received).toHaveLength(1);
    } finally {
      await receiver.close();
    }
  });

  it('injects, lists and clears faults on both emulators', async () => {
    const added = await cli(['emulator', 'fault', 'stream:send:429x2,acs:list:503@50%']);
    expect(added).toMatchObject({ code: 0, out: 'stream:send:429x2: the next 2 SendMessage calls answer 429\nacs:list:503@50%: 50% of messages.list calls answer 503 until cleared' });
    expect((await cli(['emulator', 'fault', '--list'])).out).toBe('stream: SendMessage: next 2 answer 429\nacs: messages.list: 50% of calls answer 503');
    expect((await cli(['emulator', 'fault', '--clear'])).out).toBe('stream: faults cleared\nacs: faults cleared');
    expect(stream.faults.describe()).toEqual([]);
    const bad = await cli(['emulator', 'fault', 'stream:send:418']);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain("e.g. 'stream:send:429x3'");
  });

  it('botyard emulator refuses a bad --fault before starting anything', async () => {
    const r = await cli(['emulator', '--only', 'stream', '--stream-port', '0', '--fault', 'stream:webhook:429']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('webhook takes dup, reorder or slow');
  });
});
