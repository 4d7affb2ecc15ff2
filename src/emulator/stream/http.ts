/**
 * The emulator's HTTP layer on node:http: route matching by operation id, auth, faults, JSON bodies,
 * Stream's error envelope, `duration` and the X-RateLimit-* headers on every answer.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { authenticate, type Auth } from './auth.ts';
import { settleExpiredBans } from './ban-rules.ts';
import { errorBody, formatDuration, StreamApiError } from './errors.ts';
import type { Faults, RateWindow, RequestStats } from './faults.ts';
import { isMultipart, parseMultipart } from './multipart.ts';
import type { StreamStore } from './store.ts';

export type Json = Record<string, unknown>;

export interface RouteContext {
  op: string;
  params: Record<string, string>;
  query: URLSearchParams;
  // Request bodies are untyped JSON; handlers validate what they use.
  body: any;
  auth: Auth;
  store: StreamStore;
}

export interface Route {
  method: string;
  path: string;
  op: string;
  handler: (ctx: RouteContext) => Json | Promise<Json>;
}

interface Compiled extends Route { segments: string[] }

export interface HttpDeps {
  store: StreamStore;
  faults: Faults;
  stats: RequestStats;
  rates: RateWindow;
  app: { apiKey: string; apiSecret: string };
  log?: Logger;
  maxBodyBytes: number;
}

function compile(routes: Route[]): Compiled[] {
  return routes.map((r) => ({ ...r, segments: r.path.split('/').filter(Boolean) }));
}

function match(routes: Compiled[], method: string, pathname: string): { route: Compiled; params: Record<string, string> } | undefined {
  const parts = pathname.split('/').filter(Boolean);
  for (const route of routes) {
    if (route.method !== method || route.segments.length !== parts.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < parts.length; i++) {
      const seg = route.segments[i]!;
      const part = decodeURIComponent(parts[i]!);
      if (seg.startsWith(':')) params[seg.slice(1)] = part;
      else if (seg !== part) { ok = false; break; }
    }
    if (ok) return { route, params };
  }
  return undefined;
}

async function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > max) throw new StreamApiError('payloadTooBig', `request body is larger than ${max} bytes`, { verbatim: true });
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function send(res: ServerResponse, status: number, body: Json, headers: Record<string, string>): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Builds the request listener for a set of routes. */
export function createListener(routeList: Route[], deps: HttpDeps) {
  const routes = compile(routeList);
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = performance.now();
    const url = new URL(req.url ?? '/', 'http://emulator');
    const method = req.method ?? 'GET';
    const found = match(routes, method, url.pathname);
    const op = found?.route.op ?? 'Unknown';
    let headers: Record<string, string> = {};
    let status = 200;
    try {
      if (!found) throw new StreamApiError('doesNotExist', `no route for ${method} ${url.pathname}`);
      // A timed ban that ran out no longer shows as banned in what this call answers.
      settleExpiredBans(deps.store);
      headers = deps.rates.headers(op, deps.store.nowMs());
      const auth = authenticate(url.searchParams, req.headers, deps.app, deps.store.nowMs());
      const wait = deps.faults.delayFor(op);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const fault = deps.faults.take(op);
      if (fault) throw faultError(fault, deps.store.nowMs());
      // DELETE may carry a JSON body: stream-chat-python sends `delete_for_me` and the acting user there.
      const raw = method === 'GET' ? Buffer.alloc(0) : await readBody(req, deps.maxBodyBytes);
      let body: unknown = {};
      // File uploads (routes/uploads.ts) come as multipart/form-data, everything else as JSON.
      if (isMultipart(req.headers['content-type'])) body = parseMultipart(raw, req.headers['content-type']!);
      else if (raw.length > 0) {
        try {
          body = JSON.parse(raw.toString('utf8'));
        } catch {
          throw new StreamApiError('input', 'invalid JSON in request body');
        }
      }
      const result = await found.route.handler({ op, params: found.params, query: url.searchParams, body: body ?? {}, auth, store: deps.store });
      // SPEC: 201 for POST and PUT (UpdateMessagePartial included), 200 for GET, PATCH and DELETE.
      status = method === 'POST' || method === 'PUT' ? 201 : 200;
      send(res, status, { ...result, duration: formatDuration(performance.now() - started) }, headers);
    } catch (err) {
      const apiErr = err instanceof StreamApiError ? err : new StreamApiError('internal', (err as Error)?.message ?? String(err));
      if (!(err instanceof StreamApiError)) deps.log?.error({ err, op }, 'stream emulator: handler crashed');
      status = apiErr.status;
      send(res, status, errorBody(op, apiErr, performance.now() - started), { ...headers, ...apiErr.headers });
    } finally {
      deps.stats.record(op, status);
      deps.log?.debug({ op, method, path: url.pathname, status }, 'stream emulator request');
    }
  };
}

function faultError(fault: { status?: number; code?: number; resetInSeconds?: number; message?: string }, nowMs: number): StreamApiError {
  const status = fault.status ?? 429;
  const code = fault.code ?? (status === 429 ? 9 : status >= 500 ? -1 : 4);
  const headers: Record<string, string> = {};
  if (status === 429) {
    headers['X-RateLimit-Limit'] = '1000';
    headers['X-RateLimit-Remaining'] = '0';
    headers['X-RateLimit-Reset'] = String(Math.ceil(nowMs / 1000 + (fault.resetInSeconds ?? 1)));
  }
  const message = fault.message ?? (status === 429 ? 'Too many requests, check response headers for more information.' : `injected fault: HTTP ${status}`);
  return new StreamApiError({ code, status }, message, { headers });
}

/** The acting user of a server-side call, or Stream's code 4 error naming the fields. */
export function actingUser(auth: Auth, prefix: string, holder: Json | undefined, op: string): string {
  const userId = holder?.user_id;
  const user = holder?.user as { id?: unknown } | undefined;
  if (userId !== undefined && user !== undefined) throw new StreamApiError('input', `cannot set both ${prefix}user and ${prefix}user_id.`);
  const id = typeof userId === 'string' ? userId : typeof user?.id === 'string' ? user.id : undefined;
  if (id) return id;
  if (auth.kind === 'user') return auth.userId;
  void op;
  throw new StreamApiError('input', `either ${prefix}user or ${prefix}user_id must be provided when using server side auth.`);
}

export function parsePayload(query: URLSearchParams): Json {
  const raw = query.get('payload');
  if (!raw) return {};
  try {
    return JSON.parse(raw) as Json;
  } catch {
    throw new StreamApiError('input', 'payload is not valid JSON');
  }
}
