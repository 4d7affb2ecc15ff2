/**
 * The console API's message verbs, each acting as the user named by `as`:
 *
 *   POST   /conversations/:key/messages                     { as, text, parentId? } → { id }
 *   PATCH  /conversations/:key/messages/:id                 { as, text }
 *   DELETE /conversations/:key/messages/:id                 ?as=
 *   POST   /conversations/:key/messages/:id/reactions       { as, type }
 *   DELETE /conversations/:key/messages/:id/reactions/:type ?as=
 *   POST   /conversations/:key/messages/:id/flag            { as }
 *   POST   /conversations/:key/messages/:id/pin             { as, pinned }
 *   POST   /conversations/:key/uploads?as=&name=&text=&parentId=   the file's bytes, its type as content-type → { id }
 *   POST   /conversations/:key/ai-stop                      { as }: stops the bot's streamed reply (ai_indicator.stop)
 * A verb the platform lacks answers 501 with why (ACS has no reactions, uploads, flags, pins or AI indicator).
 */
import express, { type Router } from 'express';
import { optionalStr, str, type Resolver } from './api-input.ts';
import { ConsoleError } from './platform.ts';

/** Largest file the console uploads (the Stream emulator's default body limit). */
export const MAX_UPLOAD_BYTES = 5 * 1024 * 1024;

export function messageRoutes({ target, able }: Resolver): Router {
  const router = express.Router();
  router.post('/conversations/:key/messages', async (req, res) => {
    const { platform, id } = target(req.params.key);
    const parentId = optionalStr(req.body.parentId);
    res.status(201).json(await platform.post(id, str(req.body.as, 'as'), { text: str(req.body.text, 'text'), ...(parentId ? { parentId } : {}) }));
  });
  router.patch('/conversations/:key/messages/:id', async (req, res) => {
    const { platform, id } = target(req.params.key);
    await platform.editMessage(id, str(req.body.as, 'as'), str(req.params.id, 'message id'), str(req.body.text, 'text'));
    res.status(204).end();
  });
  router.delete('/conversations/:key/messages/:id', async (req, res) => {
    const { platform, id } = target(req.params.key);
    await platform.deleteMessage(id, str(req.query.as, 'as'), str(req.params.id, 'message id'));
    res.status(204).end();
  });
  router.post('/conversations/:key/messages/:id/reactions', async (req, res) => {
    const { platform, id } = target(req.params.key);
    await able(platform, 'react')(id, str(req.body.as, 'as'), str(req.params.id, 'message id'), str(req.body.type, 'type'), true);
    res.status(204).end();
  });
  router.delete('/conversations/:key/messages/:id/reactions/:type', async (req, res) => {
    const { platform, id } = target(req.params.key);
    await able(platform, 'react')(id, str(req.query.as, 'as'), str(req.params.id, 'message id'), str(req.params.type, 'type'), false);
    res.status(204).end();
  });
  router.post('/conversations/:key/messages/:id/flag', async (req, res) => {
    const { platform, id } = target(req.params.key);
    await able(platform, 'flag')(id, str(req.body.as, 'as'), str(req.params.id, 'message id'));
    res.status(204).end();
  });
  router.post('/conversations/:key/messages/:id/pin', async (req, res) => {
    const { platform, id } = target(req.params.key);
    await able(platform, 'pin')(id, str(req.body.as, 'as'), str(req.params.id, 'message id'), req.body.pinned !== false);
    res.status(204).end();
  });
  router.post('/conversations/:key/ai-stop', async (req, res) => {
    const { platform, id } = target(req.params.key);
    await able(platform, 'stopAi', 'stop')(id, str(req.body.as, 'as'));
    res.status(204).end();
  });
  router.post('/conversations/:key/uploads', express.raw({ type: () => true, limit: MAX_UPLOAD_BYTES }), async (req, res) => {
    const { platform, id } = target(req.params.key);
    const upload = able(platform, 'upload');
    const data = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!data.length) throw new ConsoleError(400, 'the file is empty');
    const type = String(req.headers['content-type'] || 'application/octet-stream').split(';')[0]!;
    const text = optionalStr(req.query.text);
    const parentId = optionalStr(req.query.parentId);
    const out = await upload(id, str(req.query.as, 'as'), { name: str(req.query.name, 'name'), type, data }, { ...(text ? { text } : {}), ...(parentId ? { parentId } : {}) });
    res.status(201).json(out);
  });
  return router;
}
