/**
 * The console API's fault panel (faults.ts):
 *
 *   GET    /faults              { faults: { stream: string[], acs: string[] } }: what is set, in words
 *   POST   /faults              { spec: "stream:send:429x3,..." } → { applied: string[] }
 *   DELETE /faults?platform=    clears one platform's faults, or all
 */
import express, { type Router } from 'express';
import { optionalStr, str } from './api-input.ts';
import type { Feed } from './feed.ts';
import type { FaultPanel } from './faults.ts';

export function faultRoutes(panel: FaultPanel, feed: Feed): Router {
  const router = express.Router();
  router.get('/faults', async (_req, res) => {
    res.json({ faults: await panel.list() });
  });
  router.post('/faults', async (req, res) => {
    const applied = await panel.add(str(req.body.spec, 'spec'));
    feed.send('faults', {});
    res.status(201).json({ applied });
  });
  router.delete('/faults', async (req, res) => {
    await panel.clear(optionalStr(req.query.platform));
    feed.send('faults', {});
    res.status(204).end();
  });
  return router;
}
