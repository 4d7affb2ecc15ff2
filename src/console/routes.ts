/**
 * The console's HTTP API under `/console/api`. Reads answer from the emulators' state as a member
 * client sees it; writes act as the user named by `as` through the platform (see platform.ts).
 *
 *   GET    /console/api/state                              { platforms: [{ name, bot }], bots, problems }
 *   GET    /console/api/users?platform=stream|acs          ConsoleUser[]
 *   POST   /console/api/users                              { platform, name } → ConsoleUser
 *   GET    /console/api/conversations                      ConsoleConversation[] (most recent first)
 *   POST   /console/api/conversations                      { platform, name, as, members?, withBot? } → ConsoleConversation
 *   GET    /console/api/conversations/:key                 ConversationSnapshot
 *   POST   /console/api/conversations/:key/messages        { as, text, parentId? } → { id }
 *   POST   /console/api/conversations/:key/members         { as, userId }
 *   DELETE /console/api/conversations/:key/members/:user   ?as=<user id>
 *   POST   /console/api/conversations/:key/typing          { as }
 *   GET    /console/api/events                             InspectorEntry[] (oldest first)
 *   GET    /console/api/schedules                          ScheduleInfo[]
 *   POST   /console/api/schedules/:id/run                  runs it now
 *   GET    /console/api/feed                               server-sent events (feed.ts)
 * Errors answer `{ error }` with the emulator's status (4xx) or 500.
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Runtime } from '../runtime/runtime.ts';
import type { Feed } from './feed.ts';
import type { Inspector } from './inspector.ts';
import { ConsoleError, type ConsolePlatform } from './platform.ts';

export interface ApiDeps {
  runtime: Runtime;
  platforms: Map<string, ConsolePlatform>;
  inspector: Inspector;
  feed: Feed;
}

const str = (v: unknown, what: string): string => {
  if (typeof v !== 'string' || !v) throw new ConsoleError(400, `${what} is required`);
  return v;
};

export function createApiRouter(deps: ApiDeps): Router {
  const { runtime, platforms, inspector, feed } = deps;
  const router = express.Router();
  router.use(express.json({ limit: '256kb' }));

  const platformOf = (name: unknown): ConsolePlatform => {
    const p = platforms.get(String(name));
    if (!p) throw new ConsoleError(404, `no emulated platform '${String(name)}' (running: ${[...platforms.keys()].join(', ') || 'none'})`);
    return p;
  };
  /** `stream:messaging:general` → the Stream platform and `messaging:general`. */
  const target = (key: unknown): { platform: ConsolePlatform; id: string } => {
    const k = str(key, 'conversation');
    const at = k.indexOf(':');
    return { platform: platformOf(k.slice(0, at)), id: k.slice(at + 1) };
  };

  router.get('/state', (_req, res) => {
    res.json({
      platforms: [...platforms.values()].map((p) => ({ name: p.name, bot: p.bot() })),
      bots: runtime.bots.names(),
      problems: runtime.bots.problems(),
    });
  });
  router.get('/users', (req, res) => {
    res.json(platformOf(req.query.platform).users());
  });
  router.post('/users', async (req, res) => {
    res.status(201).json(await platformOf(req.body.platform).createUser(str(req.body.name, 'name')));
  });
  router.get('/conversations', (_req, res) => {
    const all = [...platforms.values()].flatMap((p) => p.conversations());
    all.sort((a, b) => (b.lastMessageAt ?? '').localeCompare(a.lastMessageAt ?? '') || a.name.localeCompare(b.name));
    res.json(all);
  });
  router.post('/conversations', async (req, res) => {
    const platform = platformOf(req.body.platform);
    const members: string[] = Array.isArray(req.body.members) ? req.body.members.filter((m: unknown) => typeof m === 'string') : [];
    const bot = platform.bot();
    if (req.body.withBot !== false && bot) members.push(bot.id);
    res.status(201).json(await platform.createConversation({ name: str(req.body.name, 'name'), as: str(req.body.as, 'as'), members }));
  });
  router.get('/conversations/:key', (req, res) => {
    const { platform, id } = target(req.params.key);
    const snapshot = platform.snapshot(id);
    if (!snapshot) throw new ConsoleError(404, `no conversation ${String(req.params.key)}`);
    res.json(snapshot);
  });
  router.post('/conversations/:key/messages', async (req, res) => {
    const { platform, id } = target(req.params.key);
    const parentId = typeof req.body.parentId === 'string' && req.body.parentId ? req.body.parentId : undefined;
    res.status(201).json(await platform.post(id, str(req.body.as, 'as'), { text: str(req.body.text, 'text'), ...(parentId ? { parentId } : {}) }));
  });
  router.post('/conversations/:key/members', async (req, res) => {
    const { platform, id } = target(req.params.key);
    await platform.addMember(id, str(req.body.as, 'as'), str(req.body.userId, 'userId'));
    res.status(204).end();
  });
  router.delete('/conversations/:key/members/:user', async (req, res) => {
    const { platform, id } = target(req.params.key);
    await platform.removeMember(id, str(req.query.as, 'as'), str(req.params.user, 'user'));
    res.status(204).end();
  });
  router.post('/conversations/:key/typing', async (req, res) => {
    const { platform, id } = target(req.params.key);
    await platform.typing(id, str(req.body.as, 'as'));
    res.status(204).end();
  });
  router.get('/events', (_req, res) => {
    res.json(inspector.entries());
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
  router.get('/feed', (req, res) => {
    feed.attach(req, res);
  });

  router.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = err instanceof ConsoleError ? err.status : 500;
    if (status >= 500) runtime.log.error({ err }, 'console api failed');
    res.status(status).json({ error: err instanceof Error ? err.message : String(err) });
  });
  return router;
}
