/**
 * Talks to a running ACS emulator's admin route (admin-routes.ts): HMAC-signed with the connection
 * string's access key, over https trusting the emulator's certificate (`caPem`).
 */
import { request } from 'node:https';
import { signHmac } from './hmac.ts';

export interface AcsAdminClient {
  listFaults(): Promise<string[]>;
  addFaults(spec: string): Promise<string[]>;
  clearFaults(): Promise<void>;
  /** Event Grid deliveries go to `url` (after the validation handshake); undefined stops them. */
  setEventGrid(url: string | undefined): Promise<void>;
  say(threadId: string, as: string, text: string): Promise<{ id: string; senderId: string }>;
}

/** `endpoint=https://host:port/;accesskey=...` → its parts; throws naming the expected form. */
export function parseConnectionString(cs: string): { endpoint: string; accessKey: string } {
  const m = /endpoint=(.*);accesskey=(.*)/i.exec(cs);
  if (!m) throw new Error('ACS_CONNECTION_STRING must look like endpoint=https://HOST/;accesskey=KEY');
  return { endpoint: m[1]!.replace(/\/?$/, '/'), accessKey: m[2]! };
}

export function acsAdminClient(env: { connectionString: string; caPem?: string }): AcsAdminClient {
  const { endpoint, accessKey } = parseConnectionString(env.connectionString);
  const call = (method: string, path: string, body?: unknown): Promise<Record<string, unknown>> => {
    const url = new URL(path.replace(/^\//, ''), endpoint);
    const text = body === undefined ? '' : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request(url, { method, ca: env.caPem, headers: { ...signHmac(method, url, text, accessKey), 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          let data: Record<string, unknown> & { error?: { message?: string } } = {};
          try {
            data = raw ? JSON.parse(raw) : {};
          } catch {
            // not JSON: not the emulator
          }
          if ((res.statusCode ?? 500) >= 400) {
            const notEmulator = res.headers['x-botyard-admin'] === undefined;
            reject(new Error(notEmulator ? `${endpoint} answered ${res.statusCode} on the emulator admin route: ACS_CONNECTION_STRING must name a botyard ACS emulator` : data.error?.message ?? `HTTP ${res.statusCode}`));
          } else resolve(data);
        });
      });
      req.on('error', (err) => reject(new Error(`cannot reach the ACS emulator at ${endpoint} (${err.message}): is it running, and is its certificate trusted (ACS_CA_PATH)?`)));
      req.end(text);
    });
  };
  return {
    listFaults: async () => (await call('GET', '/_admin/faults')).faults as string[],
    addFaults: async (spec) => (await call('POST', '/_admin/faults', { faults: spec })).applied as string[],
    clearFaults: async () => void (await call('DELETE', '/_admin/faults')),
    setEventGrid: async (url) => void (await (url ? call('PUT', '/_admin/event-grid', { url }) : call('DELETE', '/_admin/event-grid'))),
    say: async (threadId, as, text) => (await call('POST', '/_admin/say', { thread: threadId, as, text })) as { id: string; senderId: string },
  };
}
