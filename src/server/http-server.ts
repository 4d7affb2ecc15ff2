/**
 * The HTTP front door: webhook POSTs (and the CloudEvents OPTIONS handshake) and pre-send hooks on
 * the fast path, everything else through the express app. Hardened against slow and idle clients:
 * headers and whole requests have deadlines, idle sockets are reaped, and the connection count is
 * bounded without ever locking out a new request (connection-guard.ts).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import type { Adapter } from '../adapters/adapter.ts';
import type { Runtime } from '../runtime/runtime.ts';
import { guardConnections, type ConnectionGuard } from './connection-guard.ts';
import { handleWebhookRequest, type WebhookHandler } from './webhook-route.ts';

export interface HttpServer {
  server: Server;
  /** `http://127.0.0.1:PORT` once listening (or the host it was bound to, when not a wildcard). */
  url: string;
  connections: ConnectionGuard;
  /**
   * Begins the stop: no new connections, idle ones closed (one busy with a request stays open, and keeps
   * alive after its answer). Resolves once every connection closed.
   */
  close(): Promise<void>;
  /**
   * Ends the stop, after the runtime has stopped: connections that went idle since `close()` (a request
   * that was in flight when it began keeps its keep-alive socket) are closed as they go idle, and any
   * still open after `graceMs` are cut. Without it the stop would wait out the keep-alive timeout.
   */
  finish(graceMs?: number): Promise<void>;
}

/** How long `finish` lets a response still being written end before cutting its connection. */
export const FINISH_GRACE_MS = 2000;

export interface HttpServerOptions {
  port?: number;
  /** Default 0.0.0.0 (`botyard start`); `botyard dev` passes 127.0.0.1. */
  host?: string;
}

interface Route {
  adapter: Adapter;
  handle: WebhookHandler;
  /** Webhooks take OPTIONS too (the CloudEvents validation handshake); pre-send hooks only POST. */
  options: boolean;
}

export async function startHttpServer(runtime: Runtime, app: Express, options: HttpServerOptions = {}): Promise<HttpServer> {
  const limits = runtime.config.http;
  const routes = new Map<string, Route>();
  for (const adapter of runtime.adapters.values()) {
    if (adapter.webhookPath && adapter.handleWebhook) routes.set(adapter.webhookPath, { adapter, handle: (r) => adapter.handleWebhook!(r), options: true });
    // The pre-send hook sits beside the webhook on the same fast path, and never behind the queue.
    if (adapter.beforeSendPath && adapter.handleBeforeSend) routes.set(adapter.beforeSendPath, { adapter, handle: (r) => adapter.handleBeforeSend!(r), options: false });
  }

  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.idleTimeoutMs,
      // How often Node checks the two deadlines above; its default (30 s) would let a slow client
      // hold a socket for up to 30 s past them.
      connectionsCheckingInterval: Math.max(250, Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) / 4),
    },
    (req, res) => {
      if (req.method === 'POST' || req.method === 'OPTIONS') {
        const url = req.url ?? '';
        const query = url.indexOf('?');
        const path = query < 0 ? url : url.slice(0, query);
        const route = routes.get(path);
        if (route && (req.method === 'POST' || route.options)) {
          void handleWebhookRequest(route.adapter, req, res, runtime.config.maxBodyBytes, runtime.log, route.handle, path);
          return;
        }
      }
      app(req, res);
    },
  );
  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    return closed;
  };
  const connections = guardConnections(server, { maxConnections: limits.maxConnections, firstRequestMs: limits.headersTimeoutMs });
  const host = options.host ?? '0.0.0.0';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 3000, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return {
    server,
    url: `http://${shown}:${port}`,
    connections,
    close,
    async finish(graceMs = FINISH_GRACE_MS) {
      const done = close();
      // Node closes idle sockets only when asked: ask again as answers finish, then cut what is left.
      const sweep = setInterval(() => server.closeIdleConnections(), 50);
      const cut = setTimeout(() => server.closeAllConnections(), graceMs);
      try {
        await done;
      } finally {
        clearInterval(sweep);
        clearTimeout(cut);
      }
    },
  };
}
