import type { IncomingMessage } from 'node:http';
import type { UserRecord } from './model.ts';
import { badRequest } from './wire.ts';

/** One request as a route sees it. */
export interface RouteContext {
  req: IncomingMessage;
  url: URL;
  body: Buffer;
  /** Decoded path parameters, in order. */
  params: string[];
  /** `https://host:port/` as the client addressed us: nextLinks and Location headers are built on it. */
  origin: string;
  /** The authenticated chat user (bearer routes only). */
  caller: UserRecord;
  json<T = Record<string, unknown>>(): T;
}

export interface RouteResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Route {
  method: string;
  /** Operation name used by counters, faults and limits, e.g. `messages.list`. */
  op: string;
  auth: 'hmac' | 'bearer';
  pattern: RegExp;
  handler(ctx: RouteContext): RouteResult | Promise<RouteResult>;
}

/** Builds a route from a path template where `{x}` is one path segment (percent-decoded for the handler). */
export function route(method: string, template: string, op: string, auth: Route['auth'], handler: Route['handler']): Route {
  const source = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{\w+\}/g, '([^/]+)');
  return { method, op, auth, pattern: new RegExp(`^${source}$`), handler };
}

export function matchRoute(routes: Route[], method: string, pathname: string): { route: Route; params: string[] } | 'method' | undefined {
  let pathMatched = false;
  for (const r of routes) {
    const m = r.pattern.exec(pathname);
    if (!m) continue;
    pathMatched = true;
    if (r.method === method) return { route: r, params: m.slice(1).map((p) => decodeURIComponent(p)) };
  }
  return pathMatched ? 'method' : undefined;
}

export function parseJson<T>(body: Buffer): T {
  if (body.length === 0) return {} as T;
  try {
    return JSON.parse(body.toString('utf8')) as T;
  } catch {
    throw badRequest('The request body is not valid JSON.');
  }
}
