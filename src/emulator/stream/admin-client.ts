/** Talks to a running Stream emulator's admin route (admin-routes.ts) with a server token. */
import { signJwt } from './auth.ts';

export interface StreamAdminClient {
  listFaults(): Promise<string[]>;
  addFaults(spec: string): Promise<string[]>;
  clearFaults(): Promise<void>;
}

export function streamAdminClient(env: { baseUrl: string; apiKey: string; apiSecret: string }): StreamAdminClient {
  const token = signJwt({ server: true }, env.apiSecret);
  const call = async (method: string, path: string, body?: unknown): Promise<Record<string, unknown>> => {
    const url = `${env.baseUrl.replace(/\/$/, '')}${path}?api_key=${encodeURIComponent(env.apiKey)}`;
    let res: Response;
    try {
      res = await fetch(url, { method, headers: { authorization: token, 'stream-auth-type': 'jwt', 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
    } catch (err) {
      throw new Error(`cannot reach the Stream emulator at ${env.baseUrl} (${(err as Error).message}): is it running, and is STREAM_BASE_URL its address?`);
    }
    const data = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    if (!res.headers.has('x-botyard-admin')) {
      throw new Error(`${env.baseUrl} answered ${res.status} on the emulator admin route: STREAM_BASE_URL must point at a botyard Stream emulator`);
    }
    if (!res.ok) throw new Error(String(data.message ?? `HTTP ${res.status}`));
    return data;
  };
  return {
    listFaults: async () => (await call('GET', '/_admin/faults')).faults as string[],
    addFaults: async (spec) => (await call('POST', '/_admin/faults', { faults: spec })).applied as string[],
    clearFaults: async () => void (await call('DELETE', '/_admin/faults')),
  };
}
