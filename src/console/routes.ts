/**
 * The console's HTTP API under `/console/api`. Reads answer from the emulators' state as a member
 * client sees it; writes act as the user named by `as` through the platform (see platform.ts).
 *
 *   GET    /state                          { platforms: [{ name, bot, abilities }], features: { faults }, bots, problems }
 *   POST   /first-run                      FirstRun: a person and a `general` conversation on each platform
 *   GET    /users?platform=stream|acs      ConsoleUser[]
 *   POST   /users                          { platform, name } → ConsoleUser
 *   POST   /users/:user/mute               { platform, as, muted }: `as` mutes (or unmutes) the user
 *   GET    /conversations                  ConsoleConversation[] (most recent first)
 *   POST   /conversations                  { platform, name, as, members?, withBot? } → ConsoleConversation
 *   GET    /conversations/:key?as=         ConversationSnapshot, as that user sees it
 *   PATCH  /conversations/:key             { as, name }: renames (Stream channel name, ACS topic)
 *   POST   /conversations/:key/members     { as, userId }
 *   DELETE /conversations/:key/members/:user   ?as=<user id>
 *   POST   /conversations/:key/members/:user/ban   { as, banned }
 *   POST   /conversations/:key/typing      { as }
 *   GET    /feed                           server-sent events (feed.ts)
 * plus the message verbs (routes-messages.ts), the inspector, schedules and timers (routes-inspector.ts)
 * and the fault panel (routes-faults.ts).
 * Errors answer `{ error }` with the emulator's status (4xx), 501 for what a platform cannot do, or 500.
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Runtime } from '../runtime/runtime.ts';
import { createResolver, optionalStr, str } from './api-input.ts';
import type { Feed } from './feed.ts';
import { createFirstRun } from './first-run.ts';
import type { Inspector, NameResolver } from './inspector.ts';
import { ConsoleError, type ConsolePlatform } from './platform.ts';
import type { FaultPanel } from './faults.ts';
import { faultRoutes } from './routes-faults.ts';
import { inspectorRoutes } from './routes-inspector.ts';
import { messageRoutes } from './routes-messages.ts';

export interface ApiDeps {
  runtime: Runtime;
  platforms: Map<string, ConsolePlatform>;
  inspector: Inspector;
  feed: Feed;
  /** The emulators' fault injection, where they offer it (routes-faults.ts). */
  faults?: FaultPanel;
}

export function createApiRouter(deps: ApiDeps): Router {
  const { runtime, platforms, inspector, feed } = deps;
  const resolver = createResolver(platforms);
  const { platformOf, target, able } = resolver;
  const firstRun = createFirstRun(platforms);
  const router = express.Router();
  router.use(express.json({ limit: '256kb' }));

  router.get('/state', (_req, res) => {
    res.json({
      platforms: [...platforms.values()].map((p) => ({ name: p.name, bot: p.bot(), abilities: p.abilities })),
      features: { faults: deps.faults !== undefined },
      bots: runtime.bots.names(),
      problems: runtime.bots.problems(),
    });
  });
  router.post('/first-run', async (_req, res) => {
    res.json(await firstRun());
  });
  router.get('/users', (req, res) => {
    res.json(platformOf(req.query.platform).users());
  });
  router.post('/users', async (req, res) => {
    res.status(201).json(await platformOf(req.body.platform).createUser(str(req.body.name, 'name')));
  });
  router.post('/users/:user/mute', async (req, res) => {
    await able(platformOf(req.body.platform), 'mute')(str(req.body.as, 'as'), str(req.params.user, 'user'), req.body.muted !== false);
    res.status(204).end();
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
    const snapshot = platform.snapshot(id, optionalStr(req.query.as));
    if (!snapshot) throw new ConsoleError(404, `no conversation ${String(req.params.key)}`);
    res.json(snapshot);
  });
  router.patch('/conversations/:key', async (req, res) => {
    const { platform, id } = target(req.params.key);
    await platform.rename(id, str(req.body.as, 'as'), str(req.body.name, 'name'));
    res.status(204).end();
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
  router.post('/conversations/:key/members/:user/ban', async (req, res) => {
    const { platform, id } = target(req.params.key);
    await able(platform, 'ban')(id, str(req.body.as, 'as'), str(req.params.user, 'user'), req.body.banned !== false);
    res.status(204).end();
  });
  router.post('/conversations/:key/typing', async (req, res) => {
    const { platform, id } = target(req.params.key);
    await platform.typing(id, str(req.body.as, 'as'));
    res.status(204).end();
  });
  router.use(messageRoutes(resolver));
  const nameOf: NameResolver = (platform, kind, id) => platforms.get(platform)?.nameOf(kind, id);
  router.use(inspectorRoutes(runtime, inspector, feed, nameOf));
  if (deps.faults) router.use(faultRoutes(deps.faults, feed));
  router.get('/feed', (req, res) => {
    feed.attach(req, res);
  });

  router.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = err instanceof ConsoleError ? err.status : typeof (err as { status?: unknown })?.status === 'number' ? (err as { status: number }).status : 500;
    if (status >= 500 && status !== 501) runtime.log.error({ err }, 'console api failed');
    res.status(status).json({ error: err instanceof Error ? err.message : String(err) });
  });
  return router;
}
