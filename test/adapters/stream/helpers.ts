/** An emulator, a started Stream adapter pointed at it, a recording sink, and a receiver that feeds the adapter. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { pino } from 'pino';
import type { InboundEvent, IngestResult } from '../../../src/adapters/adapter.ts';
import { createStreamAdapter, type StreamAdapter } from '../../../src/adapters/stream/index.ts';
import { startStreamEmulator, type StreamEmulator, type StreamEmulatorOptions } from '../../../src/emulator/stream/index.ts';
import { createMemoryStore } from '../../../src/state/memory.ts';

export interface Harness {
  emu: StreamEmulator;
  adapter: StreamAdapter;
  events: InboundEvent[];
  /** Resolves with the first recorded event of this type (already recorded or future). */
  nextEvent(type: string, timeoutMs?: number): Promise<InboundEvent>;
  /** Set to make the sink throw or answer something else. */
  sinkResult: () => IngestResult;
  /** A receiver URL that passes deliveries to `adapter.handleWebhook` (set it with `emu.setWebhookUrl`). */
  webhookUrl: string;
  statuses: number[];
  close(): Promise<void>;
}

export async function startHarness(options: StreamEmulatorOptions = {}): Promise<Harness> {
  const emu = await startStreamEmulator({ webhook: { retryDelaysMs: [5], attemptTimeoutMs: 2000 }, ...options });
  const adapter = createStreamAdapter({ apiKey: emu.apiKey, apiSecret: emu.apiSecret, baseUrl: emu.url, bot: { id: 'helper-bot', name: 'Helper' }, timeoutMs: 30_000 });
  const waiters: Array<{ type: string; resolve: (e: InboundEvent) => void }> = [];
  const harness: Harness = {
    emu,
    adapter,
    events: [],
    statuses: [],
    sinkResult: () => 'accepted',
    nextEvent: (type, timeoutMs = 20_000) =>
      new Promise((resolve, reject) => {
        const found = harness.events.find((e) => e.type === type);
        if (found) return resolve(found);
        const timer = setTimeout(() => reject(new Error(`no ${type} event within ${timeoutMs} ms`)), timeoutMs);
        waiters.push({ type, resolve: (e) => { clearTimeout(timer); resolve(e); } });
      }),
    webhookUrl: '',
    close: async () => {
      await adapter.stop();
      await emu.close();
      await new Promise<void>((r) => { server.close(() => r()); server.closeAllConnections(); });
    },
  };
  const sink = async (event: InboundEvent) => {
    const result = harness.sinkResult();
    harness.events.push(event);
    for (const w of [...waiters]) if (w.type === event.type) { waiters.splice(waiters.indexOf(w), 1); w.resolve(event); }
    return result;
  };
  await adapter.start({ sink, store: createMemoryStore(), log: pino({ level: 'silent' }) });
  // Plays the runtime server's part: read the body, gunzip it, hand it over, answer what the adapter says.
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      let body = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      const answer = await adapter.handleWebhook!({ headers: req.headers, body });
      harness.statuses.push(answer.status);
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body ?? {}));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  harness.webhookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/stream`;
  return harness;
}
