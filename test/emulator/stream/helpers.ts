/** Test helpers: an emulator plus a real SDK client, and a real HTTP receiver for webhooks. */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StreamChat } from 'stream-chat';
import { startStreamEmulator, type StreamEmulator, type StreamEmulatorOptions } from '../../../src/emulator/stream/index.ts';

export async function emulatorWithClient(options: StreamEmulatorOptions = {}): Promise<{ emu: StreamEmulator; client: StreamChat }> {
  const emu = await startStreamEmulator({ webhook: { retryDelaysMs: [5], attemptTimeoutMs: 1000 }, ...options });
  const client = new StreamChat(emu.apiKey, emu.apiSecret, { baseURL: emu.url, disableCache: true, timeout: 30_000 });
  return { emu, client };
}

export interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/**
 * A webhook receiver on loopback. `reply` decides each answer (default 200); the `received` list
 * keeps every request; `next(n)` resolves once `n` requests in total have arrived.
 */
export interface Receiver {
  url: string;
  received: ReceivedRequest[];
  reply: (req: ReceivedRequest, index: number) => number | Promise<number> | 'hang';
  next(count: number, timeoutMs?: number): Promise<ReceivedRequest[]>;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  const hanging = new Set<import('node:http').ServerResponse>();
  const receiver: Receiver = {
    url: '',
    received: [],
    reply: () => 200,
    next: (count, timeoutMs = 5000) =>
      new Promise((resolve, reject) => {
        if (receiver.received.length >= count) return resolve(receiver.received.slice(0, count));
        const timer = setTimeout(() => reject(new Error(`receiver got ${receiver.received.length} of ${count} requests`)), timeoutMs);
        waiters.push({ count, resolve: () => { clearTimeout(timer); resolve(receiver.received.slice(0, count)); } });
      }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const entry = { headers: req.headers, body: Buffer.concat(chunks) };
      const index = receiver.received.push(entry) - 1;
      for (const w of [...waiters]) if (receiver.received.length >= w.count) { waiters.splice(waiters.indexOf(w), 1); w.resolve(); }
      const status = await receiver.reply(entry, index);
      if (status === 'hang') { hanging.add(res); return; }
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return receiver;
}

/** The SDK throws ErrorFromResponse; this reads what tests assert on. */
export async function sdkError(p: Promise<unknown>): Promise<{ code: number | null; status: number; message: string; headers: Record<string, string> }> {
  try {
    await p;
  } catch (err) {
    const e = err as { code: number | null; status: number; message: string; response?: { headers?: Record<string, string> } };
    return { code: e.code, status: e.status, message: e.message, headers: { ...(e.response?.headers ?? {}) } };
  }
  throw new Error('expected the call to fail');
}
