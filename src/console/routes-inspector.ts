/**
 * The console API's view of the runtime (events, schedules, timers):
 *
 *   GET    /events                InspectorEntry[] (oldest first)
 *   GET    /events/:id            { entry, event, raw }: the normalized event and the platform payload
 *   DELETE /events                clears the inspector (every open page hears `inspector-cleared`)
 *   GET    /schedules             ScheduleInfo[]
 *   POST   /schedules/:id/run     runs it now
 *   GET    /timers                ConsoleTimer[]: pending and failed one-off timers, earliest first
 *   POST   /timers/:bot/:id/fire  makes it due now (it fires once, on one instance)
 *   DELETE /timers/:bot/:id       cancels it
 */
import express, { type Router } from 'express';
import type { Runtime } from '../runtime/runtime.ts';
import { str } from './api-input.ts';
import type { Feed } from './feed.ts';
import type { Inspector, NameResolver } from './inspector.ts';
import { ConsoleError } from './platform.ts';
import { toConsoleTimer } from './timers.ts';

export function inspectorRoutes(runtime: Runtime, inspector: Inspector, feed: Feed, nameOf: NameResolver): Router {
  const router = express.Router();
  router.get('/events', (_req, res) => {
    res.json(inspector.entries());
  });
  router.get('/events/:id', (req, res) => {
    const detail = inspector.detail(str(req.params.id, 'event id'));
    if (!detail) throw new ConsoleError(404, `no event ${req.params.id} in the inspector (it keeps the last ${inspector.limit})`);
    res.json(detail);
  });
  router.delete('/events', (_req, res) => {
    inspector.clear();
    feed.send('inspector-cleared', {});
    res.status(204).end();
  });
  router.get('/schedules', (_req, res) => {
    res.json(runtime.scheduler.list());
  });
  router.post('/schedules/:id/run', async (req, res) => {
    const id = str(req.params.id, 'schedule id');
    if (!runtime.scheduler.list().some((s) => s.id === id || s.name === id)) throw new ConsoleError(404, `no schedule '${id}'`);
    await runtime.scheduler.runNow(id);
    feed.send('schedules', {});
    res.status(204).end();
  });
  router.get('/timers', async (_req, res) => {
    const list = await runtime.timers.listAll();
    res.json(list.map((t) => toConsoleTimer(t, (ref) => nameOf(ref.platform, 'conversation', ref.id))));
  });
  router.post('/timers/:bot/:id/fire', async (req, res) => {
    if (!(await runtime.timers.fireNow(str(req.params.bot, 'bot'), str(req.params.id, 'timer id')))) {
      throw new ConsoleError(404, `no pending timer ${req.params.id} of ${req.params.bot} (it may be firing now, or gone)`);
    }
    feed.send('timers', {});
    res.status(204).end();
  });
  router.delete('/timers/:bot/:id', async (req, res) => {
    if (!(await runtime.timers.cancel(str(req.params.bot, 'bot'), str(req.params.id, 'timer id')))) {
      throw new ConsoleError(404, `no timer ${req.params.id} of ${req.params.bot} to cancel (it may be firing now, or gone)`);
    }
    feed.send('timers', {});
    res.status(204).end();
  });
  return router;
}
