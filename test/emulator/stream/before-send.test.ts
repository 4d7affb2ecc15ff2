/**
 * The emulator's Before Message Send hook, as Stream's own integration tests describe it
 * (stream-chat-js test/integration/hooks.js): called before storing, signed like webhooks, its answer
 * honoured (error: not stored, the sender gets a type 'error' message; fields: rewritten; "": unchanged),
 * failing open on 5xx and on timeout. Driven through the real SDK.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StreamChat } from 'stream-chat';
import { applyFaults } from '../../../src/emulator/faults.ts';
import type { StreamEmulator } from '../../../src/emulator/stream/index.ts';
import { emulatorWithClient, sdkError, startReceiver, type Receiver } from './helpers.ts';

type Loose = any;
type Answer = { status?: number; body?: unknown; hang?: boolean };

/** A hook endpoint whose answer each test sets; it records what Stream sent. */
async function startHook() {
  const calls: Array<{ headers: IncomingHttpHeaders; raw: string; body: Loose }> = [];
  let answer: (body: Loose) => Answer = () => ({ body: '' });
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const body = JSON.parse(raw);
      calls.push({ headers: req.headers, raw, body });
      const a = answer(body);
      if (a.hang) return;
      res.writeHead(a.status ?? 200, { 'content-type': 'application/json' }).end(JSON.stringify(a.body ?? ''));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/before-send`,
    calls,
    answer: (fn: (body: Loose) => Answer) => void (answer = fn),
    close: () => new Promise<void>((r) => { server.close(() => r()); server.closeAllConnections(); }),
  };
}

let emu: StreamEmulator;
let client: StreamChat;
let hook: Awaited<ReturnType<typeof startHook>>;
let webhooks: Receiver;

beforeEach(async () => {
  ({ emu, client } = await emulatorWithClient());
  hook = await startHook();
  webhooks = await startReceiver();
  emu.setWebhookUrl(webhooks.url);
  await client.upsertUsers([{ id: 'tom' }, { id: 'ann' }]);
  await client.channel('messaging', 'fun', { created_by_id: 'tom', members: ['tom', 'ann'] } as Loose).create();
  await client.updateAppSettings({ before_message_send_hook_url: hook.url } as Loose);
});
afterEach(async () => {
  await emu.close();
  await hook.close();
  await webhooks.close();
});

const fun = () => client.channel('messaging', 'fun');
const newMessages = async () => {
  await emu.webhooksIdle();
  return webhooks.received.map((r) => JSON.parse(r.body.toString('utf8'))).filter((e) => e.type === 'message.new').map((e) => e.message.text);
};

describe('Stream emulator: the before-send hook', () => {
  it('is set through updateAppSettings, called signed with { message, user, channel, request_info }, and "" leaves the message as sent', async () => {
    const { app } = await client.getAppSettings();
    expect((app as Loose).before_message_send_hook_url).toBe(hook.url);
    const { message } = await fun().sendMessage({ text: 'hi all', user_id: 'tom', mood: 'fine' } as Loose);

    expect(message).toMatchObject({ type: 'regular', text: 'hi all' });
    const [call] = hook.calls;
    expect(client.verifyWebhook(call!.raw, call!.headers['x-signature'] as string)).toBe(true);
    expect(call!.headers).toMatchObject({ 'x-webhook-attempt': '1', 'x-api-key': emu.apiKey, 'x-webhook-id': expect.any(String) });
    expect(call!.body).toMatchObject({
      message: { id: '', text: 'hi all', type: 'regular', mood: 'fine', silent: false },
      user: { id: 'tom' },
      channel: { cid: 'messaging:fun', config: expect.objectContaining({ name: 'messaging' }) },
      request_info: expect.objectContaining({ type: 'server' }),
    });
    expect(await newMessages()).toEqual(['hi all']);
  });

  it('an answer of type error rejects: the sender gets that error message, nothing is stored or announced', async () => {
    hook.answer(() => ({ body: { message: { type: 'error', text: 'not here, please' } } }));
    const { message } = await fun().sendMessage({ text: 'super bad!', user_id: 'tom' } as Loose);

    expect(message).toMatchObject({ type: 'error', text: 'not here, please', user: { id: 'tom' } });
    const { messages } = await fun().query({ messages: { limit: 10 } });
    expect(messages).toEqual([]);
    expect(await newMessages()).toEqual([]);
    expect(emu.preSendCalls()).toMatchObject([{ outcome: 'rejected', rejection: { type: 'error', text: 'not here, please' } }]);
  });

  it('an answer with fields rewrites them (custom fields too) on send and on a full update; other fields are ignored', async () => {
    hook.answer((b) => ({ body: { message: { ...b.message, text: `${b.message.text}!`, my_flag: 42, created_at: '2000-01-01T00:00:00Z' } } }));
    const { message } = await fun().sendMessage({ text: 'hello', user_id: 'tom' } as Loose);
    expect(message).toMatchObject({ text: 'hello!', my_flag: 42 });
    expect(message.created_at).not.toBe('2000-01-01T00:00:00Z');

    const { message: updated } = await client.updateMessage({ id: message.id, text: 'edited' } as Loose, 'tom');
    expect(updated.text).toBe('edited!');
    expect(hook.calls[1]!.body.message).toMatchObject({ id: message.id, text: 'edited' });
    expect(await newMessages()).toEqual(['hello!']);
  });

  it('fails open on a 5xx and on a timeout: the message is stored as sent, marked before_message_send_failed', async () => {
    hook.answer(() => ({ status: 502 }));
    await fun().sendMessage({ text: 'one', user_id: 'tom' } as Loose);
    await client.updateAppSettings({ before_message_send_hook_attempt_timeout_ms: 100 } as Loose);
    hook.answer(() => ({ hang: true }));
    const { message } = await fun().sendMessage({ text: 'two', user_id: 'tom' } as Loose);

    expect(message).toMatchObject({ type: 'regular', text: 'two' });
    expect(emu.preSendCalls().map((c) => [c.outcome, c.status ?? c.error])).toEqual([['failed', 502], ['failed', 'ETIMEDOUT']]);
    await emu.webhooksIdle();
    const bodies = webhooks.received.map((r) => JSON.parse(r.body.toString('utf8'))).filter((e) => e.type === 'message.new');
    expect(bodies.map((e) => [e.message.text, e.message.before_message_send_failed])).toEqual([['one', true], ['two', true]]);
  });

  it('fault knobs: a failing hook and a slow hook both let messages through without an answer', async () => {
    hook.answer(() => ({ body: { message: { type: 'error', text: 'no' } } }));
    emu.faults.hookFault({ status: 503, count: 1 });
    const failed = await fun().sendMessage({ text: 'through a failing hook', user_id: 'tom' } as Loose);
    await client.updateAppSettings({ before_message_send_hook_attempt_timeout_ms: 50 } as Loose);
    emu.faults.hookFault({ delayMs: 50 });
    const slow = await fun().sendMessage({ text: 'through a slow hook', user_id: 'tom' } as Loose);
    emu.faults.clear();
    // Back to Stream's most patient attempt: 50 ms for the real hook's answer was overrun on a loaded box
    // (the answer came late, and the message went through unanswered).
    await client.updateAppSettings({ before_message_send_hook_attempt_timeout_ms: 5000 } as Loose);
    const answered = await fun().sendMessage({ text: 'answered again', user_id: 'tom' } as Loose);

    expect([failed.message.type, slow.message.type, answered.message.type]).toEqual(['regular', 'regular', 'error']);
    expect(emu.preSendCalls().map((c) => c.outcome)).toEqual(['failed', 'failed', 'rejected']);
    // The failing-hook fault never reached the endpoint; the slow one gave up before sending.
    expect(hook.calls.map((c) => c.body.message.text)).toEqual(['answered again']);
  });

  it('the fault grammar drives the same knobs: stream:hook rules fail, time out and slow down the next calls, listed and cleared with the rest', async () => {
    hook.answer(() => ({ body: { message: { text: 'rewritten' } } }));
    applyFaults({ stream: emu.faults }, 'stream:hook:503,stream:hook:timeout,stream:hook:slow50msx2');
    expect(emu.faults.describe()).toEqual([
      'hook: next 1 before-send calls fail with 503',
      'hook: next 1 before-send calls time out',
      'hook: next 2 before-send calls answer after 50 ms',
    ]);
    const failed = await fun().sendMessage({ text: 'one', user_id: 'tom' } as Loose);
    await client.updateAppSettings({ before_message_send_hook_attempt_timeout_ms: 100 } as Loose);
    const timedOut = await fun().sendMessage({ text: 'two', user_id: 'tom' } as Loose);
    // A generous budget, so the slow call still reaches the hook on a loaded machine.
    await client.updateAppSettings({ before_message_send_hook_attempt_timeout_ms: 5000 } as Loose);
    const slow = await fun().sendMessage({ text: 'three', user_id: 'tom' } as Loose);

    expect([failed.message.text, timedOut.message.text, slow.message.text]).toEqual(['one', 'two', 'rewritten']);
    expect(emu.preSendCalls().map((c) => [c.outcome, c.status ?? c.error])).toEqual([['failed', 503], ['failed', 'ETIMEDOUT'], ['rewritten', 200]]);
    // Only the slow call reached the endpoint; one slow call is still to come until cleared.
    expect(hook.calls.map((c) => c.body.message.text)).toEqual(['three']);
    expect(emu.faults.describe()).toEqual(['hook: next 1 before-send calls answer after 50 ms']);
    emu.faults.clear();
    expect(emu.faults.describe()).toEqual([]);
  });

  it('settings are checked like Stream does, and an empty URL turns the hook off', async () => {
    const err = await sdkError(client.updateAppSettings({ before_message_send_hook_attempt_timeout_ms: 6000 } as Loose));
    expect(err).toMatchObject({ code: 4, status: 400 });
    expect(err.message).toContain('before_message_send_hook_attempt_timeout_ms must be an integer from 0 to 5000');
    await client.updateAppSettings({ before_message_send_hook_url: '' } as Loose);
    await fun().sendMessage({ text: 'no hook', user_id: 'tom' } as Loose);
    expect(hook.calls).toHaveLength(0);
  });
});
