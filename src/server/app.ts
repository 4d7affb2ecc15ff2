/**
 * The express app: health, readiness, metrics, and whatever a user or the dev console mounts.
 * It never listens by itself (`createHttpServer` does), and webhooks do not go through it:
 * see webhook-route.ts for why.
 */
import express, { type Express } from 'express';
import type { Runtime } from '../runtime/runtime.ts';
import { checkReadiness } from './health.ts';
import type { Metrics } from './metrics.ts';

export function createApp(runtime: Runtime, metrics: Metrics): Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  app.get('/readyz', async (_req, res) => {
    const readiness = await checkReadiness(runtime);
    res.status(readiness.ok ? 200 : 503).json(readiness);
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  return app;
}
