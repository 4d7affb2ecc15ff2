/**
 * The poller under test in its own process: botyard's ACS adapter (memory state) with its own poll
 * loop, or the every-thread baseline on the same interval. Every detected message is reported with
 * the wall time of its detection; every finished cycle with its numbers.
 */
import { ChatClient } from '@azure/communication-chat';
import { readFileSync } from 'node:fs';
import pino from 'pino';
import { createAcsAdapter } from '../../src/adapters/acs/index.ts';
import { createMemoryStore } from '../../src/state/memory.ts';
import { serveIpc } from '../lib/proc.ts';
import { sleep, wallMs } from '../lib/stats.ts';
import { createNaivePoller } from './naive.ts';

const { ACS_CONNECTION_STRING: connectionString, ACS_CA_PATH: caPath, ACS_BOT_USER_ID: botId, MODE: mode, INTERVAL_MS } = process.env;
const interval = Number(INTERVAL_MS ?? 1000);
const tlsCa = readFileSync(caPath!, 'utf8');
const log = pino({ level: 'warn' });
const detected = (threadId: string, text: string) => process.send!({ type: 'detected', at: wallMs(), threadId, text });

if (mode === 'botyard') {
  const adapter = createAcsAdapter({ connectionString: connectionString!, botUserId: botId!, botName: 'Botyard', tlsCa, poll: { minIntervalMs: interval, maxIntervalMs: 10 * interval } });
  let lastCycle = 0;
  await adapter.start({
    store: createMemoryStore(),
    log,
    sink: async (event: any) => {
      if (event.type === 'message.new') detected(event.conversation.id, event.message?.text ?? '');
      return 'accepted';
    },
  } as any);
  setInterval(() => {
    const s = adapter.pollStats;
    if (s && s.cycle !== lastCycle) {
      lastCycle = s.cycle;
      process.send!({ type: 'cycle', stats: s, rssMb: process.memoryUsage().rss / 2 ** 20 });
    }
  }, 10).unref();
} else {
  const endpoint = /endpoint=(.*?);accesskey=/i.exec(connectionString!)![1]!;
  const { createIdentityClient } = await import('../../src/adapters/acs/identity.ts');
  const identity = createIdentityClient(connectionString!, tlsCa);
  const { token, expiresOn } = await identity.getToken({ communicationUserId: botId! }, ['chat']);
  const chat = new ChatClient(endpoint, { getToken: async () => ({ token, expiresOnTimestamp: expiresOn.getTime() }), dispose: () => undefined }, { tlsOptions: { ca: tlsCa } } as any);
  const cycle = createNaivePoller(chat, botId!, (threadId) => detected(threadId, ''));
  let n = 0;
  void (async () => {
    for (;;) {
      const s = await cycle();
      process.send!({ type: 'cycle', stats: { cycle: ++n, ...s }, rssMb: process.memoryUsage().rss / 2 ** 20 });
      await sleep(interval);
    }
  })();
}
serveIpc({});
process.send!({ type: 'ready' });
