/**
 * The Stream emulator's admin route, `/_admin/*`, beside the Stream API on the same port. Authenticated
 * like a server-side Stream call (`api_key` query + a server JWT signed with the API secret), so whoever
 * may run the bot may inject faults. Not a Stream API: no faults apply to it and nothing is announced.
 *
 *   GET    /_admin/faults   { faults: string[] }        what is set, in words
 *   POST   /_admin/faults   { faults: "stream:send:429x3,..." } → { applied: string[] }
 *   DELETE /_admin/faults   clears every fault           → { cleared: true }
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FaultSpecError } from '../fault-spec.ts';
import { applyFaults } from '../faults.ts';
import { authenticate } from './auth.ts';
import { errorBody, StreamApiError } from './errors.ts';
import type { Faults } from './faults.ts';

export const ADMIN_PREFIX = '/_admin/';

export interface AdminDeps {
  app: { apiKey: string; apiSecret: string };
  faults: Faults;
  nowMs: () => number;
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return {};
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new StreamApiError('input', 'the body is not valid JSON', { verbatim: true });
  }
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  // Marked, so a client can tell an admin answer from a server that is not the emulator.
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'x-botyard-admin': '1' });
  res.end(text);
}

export async function handleAdmin(req: IncomingMessage, res: ServerResponse, deps: AdminDeps): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://emulator');
  const route = `${req.method} ${url.pathname}`;
  try {
    const auth = authenticate(url.searchParams, req.headers, deps.app, deps.nowMs());
    if (auth.kind !== 'server') throw new StreamApiError('notAllowed', 'the admin route needs a server token (signed with the API secret)', { verbatim: true });
    if (route === 'GET /_admin/faults') return reply(res, 200, { faults: deps.faults.describe() });
    if (route === 'DELETE /_admin/faults') {
      deps.faults.clear();
      return reply(res, 200, { cleared: true });
    }
    if (route === 'POST /_admin/faults') {
      const { faults } = await readJson(req);
      if (typeof faults !== 'string') throw new StreamApiError('input', 'faults is a required string, e.g. "stream:send:429x3"', { verbatim: true });
      return reply(res, 201, { applied: applyFaults({ stream: deps.faults }, faults) });
    }
    throw new StreamApiError('doesNotExist', `no admin route ${route} (GET, POST or DELETE /_admin/faults)`, { verbatim: true });
  } catch (err) {
    const e = err instanceof FaultSpecError ? new StreamApiError('input', err.message, { verbatim: true }) : err instanceof StreamApiError ? err : new StreamApiError('internal', String(err), { verbatim: true });
    reply(res, e.status, errorBody('Admin', e, 0));
  }
}
