/**
 * The HTTP front door: webhook POSTs on the fast path, everything else through the express app.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import type { Adapter } from '../adapters/adapter.ts';
import type { Runtime } from '../runtime/runtime.ts';
import { handleWebhookRequest, type WebhookHandler } from './webhook-route.ts';

export interface HttpServer {
  server: Server;
  /** `http://127.0.0.1:PORT` once listening. */
  url: string;
  close(): Promise<void>;
}

export async function startHttpServer(runtime: Runtime, app: Express, options: { port?: number; host?: string } = {}): Promise<HttpServer> {
  const routes = new Map<string, { adapter: Adapter; handle: WebhookHandler }>();
  for (const adapter of runtime.adapters.values()) {
    if (adapter.webhookPath && adapter.handleWebhook) routes.set(adapter.webhookPath, { adapter, handle: (r) => adapter.handleWebhook!(r) });
    // The pre-send hook sits beside the webhook on the same fast path, and never behind the queue.
    if (adapter.beforeSendPath && adapter.handleBeforeSend) routes.set(adapter.beforeSendPath, { adapter, handle: (r) => adapter.handleBeforeSend!(r) });
  }

  const server = createServer((req, res) => {
    if (req.method === 'POST') {
      const path = req.url?.split('?', 1)[0] ?? '';
      const route = routes.get(path);
      if (route) {
        void handleWebhookRequest(route.adapter, req, res, runtime.config.maxBodyBytes, runtime.log, route.handle, path);
        return;
      }
    }
    app(req, res);
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 3000, options.host ?? '0.0.0.0', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
