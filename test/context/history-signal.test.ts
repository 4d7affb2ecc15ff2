/**
 * `ctx.history()` honours `ctx.signal` as the outbound verbs do: once the handler's run times out, no
 * further page is read (on ACS the page under way is given up too). Through the real SDKs against the
 * emulators: a conversation of 150 messages needs two pages for `limit: 200`; the first page is slowed
 * well past the handler's timeout, and the emulator counts the pages asked for.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { StreamChat } from 'stream-chat';
import { createAcsAdapter } from '../../src/adapters/acs/index.ts';
import type { Adapter, InboundEvent, PlatformName } from '../../src/adapters/adapter.ts';
import { createStreamAdapter } from '../../src/adapters/stream/index.ts';
import { loadConfig } from '../../src/config/load.ts';
import { startAcsEmulator, type AcsEmulator } from '../../src/emulator/acs/index.ts';
import { applyFaults } from '../../src/emulator/faults.ts';
import { startStreamEmulator, type StreamEmulator } from '../../src/emulator/stream/index.ts';
import { defineBot } from '../../src/index.ts';
import { silentLogger } from '../../src/runtime/log.ts';
import { createRuntime, type Runtime } from '../../src/runtime/runtime.ts';
import { waitFor } from '../helpers/wait.ts';

type Loose = any;
const TIMEOUT_MS = 300;
const SLOW = 'slow1500ms';

let runtime: Runtime | undefined;
let stream: StreamEmulator | undefined;
let acs: AcsEmulator | undefined;
afterEach(async () => {
  await runtime?.stop(2000);
  await Promise.all([stream?.close(), acs?.close()]);
  runtime = stream = acs = undefined;
});

/** A runtime whose one bot reads 200 messages of history when told to, and records how that ended. */
async function reader(adapter: Adapter) {
  const ended: Array<{ read?: number; error?: string; at: number }> = [];
  const bot = defineBot({
    name: 'reader',
    setup: (b) =>
      void b.hear(/^read back$/, async (ctx) => {
        try {
          ended.push({ read: (await ctx.history({ limit: 200 })).length, at: Date.now() });
        } catch (err) {
          ended.push({ error: String(err), at: Date.now() });
        }
      }),
  });
  const config = await loadConfig({ env: {}, config: { handlerTimeoutMs: TIMEOUT_MS } });
  runtime = await createRuntime({ config, adapters: [adapter], bots: [bot], log: silentLogger, startSchedules: false });
  await runtime.start();
  const ask = (platform: PlatformName, conversation: string) => {
    const event: InboundEvent = {
      id: `${platform}:read-back`,
      type: 'message.new',
      platform,
      conversation: { platform, id: conversation },
      sender: { id: 'kim' },
      occurredAt: new Date().toISOString(),
      raw: {},
      message: { id: 'read-back', text: 'read back', user: { id: 'kim' }, attachments: [], mentions: [], data: {} },
    };
    return runtime!.ingest(event);
  };
  return { ended, ask };
}

describe('ctx.history stops at ctx.signal', () => {
  it('Stream: the page under way finishes, and no next page is asked for', async () => {
    stream = await startStreamEmulator();
    const client = new StreamChat(stream.apiKey, stream.apiSecret, { baseURL: stream.url, disableCache: true });
    const ch = client.channel('messaging', 'long', { created_by_id: 'kim' } as Loose);
    await ch.create();
    for (let i = 0; i < 150; i++) await ch.sendMessage({ text: `m${i}`, user_id: 'kim' } as Loose);
    const adapter = createStreamAdapter({ apiKey: stream.apiKey, apiSecret: stream.apiSecret, baseUrl: stream.url, bot: { id: 'botyard', name: 'Botyard' }, timeoutMs: 10_000 });
    const { ended, ask } = await reader(adapter);
    stream.requests.reset();
    applyFaults({ stream: stream.faults }, `stream:query:${SLOW}`);
    const started = Date.now();
    await ask('stream', ch.cid);
    await waitFor(() => ended.length === 1, { what: 'the history read to end' });
    console.log(`[history signal] stream: ended after ${ended[0]!.at - started} ms: ${JSON.stringify(ended[0])}`);
    expect(ended[0]!.error).toBeDefined();
    expect(stream.requests.count('GetOrCreateChannel')).toBe(1);
  }, 30_000);

  it('ACS: the page under way is given up at the timeout, and no next page is asked for', async () => {
    acs = await startAcsEmulator();
    const kim = acs.admin.createUser('Kim');
    const adapter = createAcsAdapter({ connectionString: acs.connectionString, botName: 'Botty', tlsCa: acs.caPem, poll: { enabled: false, minIntervalMs: 50, maxIntervalMs: 200 } });
    const { ended, ask } = await reader(adapter);
    const thread = acs.admin.createThread(kim.id, { topic: 'long', participants: [kim.id, adapter.botUser.id] });
    for (let i = 0; i < 150; i++) acs.admin.sendMessage(thread, kim.id, `m${i}`);
    acs.resetCounters();
    applyFaults({ acs: acs.faults }, `acs:list:${SLOW}`);
    const started = Date.now();
    await ask('acs', thread);
    await waitFor(() => ended.length === 1, { what: 'the history read to end' });
    const ms = ended[0]!.at - started;
    console.log(`[history signal] acs: ended after ${ms} ms: ${JSON.stringify(ended[0])}`);
    expect(ended[0]!.error).toBeDefined();
    expect(acs.counters()['messages.list']).toBe(1);
  }, 30_000);
});
