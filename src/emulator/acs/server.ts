import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { randomUUID } from 'node:crypto';
import type { EmulatorCore } from './core.ts';
import type { createFaults } from './faults.ts';
import { verifyHmac } from './hmac.ts';
import { matchRoute, parseJson, type Route, type RouteContext, type RouteResult } from './router.ts';
import { AcsHttpError, unauthorized } from './wire.ts';

const SUPPORTED = {
  chat: ['2025-03-15', '2024-03-07', '2023-11-07', '2021-09-07', '2021-03-07'],
  identity: ['2023-10-01', '2026-09-23', '2022-10-01', '2022-06-01', '2021-03-07'],
};

export interface ServerDeps {
  core: EmulatorCore;
  routes: Route[];
  faults: ReturnType<typeof createFaults>;
  counters: Map<string, number>;
  log?: Logger;
  cert: { certPem: string; keyPem: string };
  /** The `/_admin/*` handler (admin-routes.ts); answered before any API routing, auth or fault. */
  admin?: (req: IncomingMessage, url: URL, body: Buffer) => Promise<RouteResult>;
}

/** The https server: one small dispatch function, no framework (the SDK only needs exact paths and codes). */
export function createAcsServer(deps: ServerDeps): Server {
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const host = req.headers.host ?? 'localhost';
    const url = new URL(req.url ?? '/', `https://${host}`);
    let result: RouteResult;
    let op = 'unmatched';
    if (deps.admin && url.pathname.startsWith('/_admin/')) {
      let out: RouteResult;
      try {
        out = await deps.admin(req, url, body);
      } catch (error) {
        out = error instanceof AcsHttpError ? { status: error.status, body: error.body() } : { status: 500, body: { error: { code: 'InternalError', message: String(error) } } };
      }
      // Marked, so a client can tell "no such thread" from "not an emulator" on a 404.
      return send(res, { ...out, headers: { ...out.headers, 'x-botyard-admin': '1' } }, 'admin');
    }
    try {
      const found = matchRoute(deps.routes, req.method ?? 'GET', url.pathname);
      if (found === undefined) throw new AcsHttpError(404, 'NotFound', `No operation at ${req.method} ${url.pathname}.`);
      if (found === 'method') throw new AcsHttpError(405, 'MethodNotAllowed', `${req.method} is not allowed on ${url.pathname}.`);
      const { route, params } = found;
      op = route.op;
      deps.counters.set(op, (deps.counters.get(op) ?? 0) + 1);
      const family = route.op.startsWith('identity.') ? 'identity' : 'chat';
      const version = url.searchParams.get('api-version');
      if (!version || !SUPPORTED[family].includes(version)) {
        throw new AcsHttpError(400, 'UnsupportedApiVersion', `api-version '${version ?? ''}' is not supported; use ${SUPPORTED[family][0]}.`, { target: 'api-version' });
      }
      let caller: RouteContext['caller'] | undefined;
      if (route.auth === 'hmac') {
        const check = verifyHmac(req, body, deps.core.accessKey, deps.core.now(), deps.core.settings.hmacMaxSkewMs);
        if (!check.ok) throw unauthorized(check.reason);
      } else {
        caller = deps.core.authenticate(req);
      }
      const wait = deps.faults.delayFor(op);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const fault = deps.faults.check(op, caller?.id, family === 'chat' ? params[0] : undefined, deps.core.now());
      if (fault) throw fault;
      result = await route.handler({
        req, url, body, params, origin: `https://${host}/`, caller: caller!,
        json: <T>() => parseJson<T>(body),
      });
    } catch (error) {
      if (error instanceof AcsHttpError) {
        result = { status: error.status, body: error.body(), headers: error.extra.headers };
      } else {
        deps.log?.error({ err: error, op }, 'acs emulator: handler failed');
        result = { status: 500, body: { error: { code: 'InternalError', message: 'The emulator failed; see its log.' } } };
      }
    }
    send(res, result, op);
    deps.log?.debug({ op, method: req.method, path: url.pathname, status: result.status }, 'acs emulator request');
  };
  const send = (res: ServerResponse, result: RouteResult, op: string) => {
    const headers: Record<string, string> = {
      // From the emulator's clock, like the service's own Date (the adapter learns the service's time from it).
      date: new Date(deps.core.now()).toUTCString(),
      'api-supported-versions': (op.startsWith('identity.') ? SUPPORTED.identity : SUPPORTED.chat).join(', '),
      'ms-cv': randomUUID(),
      ...(result.headers ?? {}),
    };
    const requestId = res.req.headers['x-ms-client-request-id'];
    if (typeof requestId === 'string') headers['x-ms-client-request-id'] = requestId;
    let payload: Buffer | undefined;
    if (result.body !== undefined) {
      payload = Buffer.from(JSON.stringify(result.body));
      headers['content-type'] = 'application/json; charset=utf-8';
    }
    headers['content-length'] = String(payload?.length ?? 0);
    res.writeHead(result.status, headers);
    res.end(payload);
  };

  return createServer({ cert: deps.cert.certPem, key: deps.cert.keyPem }, (req, res) => {
    handle(req, res).catch((error) => {
      deps.log?.error({ err: error }, 'acs emulator: request failed');
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
}
