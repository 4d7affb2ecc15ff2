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
  close(): Promise<void>;
}

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
        const route = routes.get(req.url?.split('?', 1)[0] ?? '');
        if (route && (req.method === 'POST' || route.options)) {
          void handleWebhookRequest(route.adapter, req, res, runtime.config.maxBodyBytes, runtime.log, route.handle);
          return;
        }
      }
      app(req, res);
    },
  );
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
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
