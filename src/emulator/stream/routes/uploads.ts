/**
 * Channel file and image uploads, as stream-chat's `channel.sendFile` / `channel.sendImage` call them:
 * `POST /channels/{type}/{id}/file|image` (multipart: a `file` part, and `user` as JSON on server-side
 * calls) answers `{ file: <url> }`; `DELETE` the same path with `?url=` removes it. Stream keeps the
 * bytes on its CDN; the emulator keeps them in memory and serves them, unauthenticated like a CDN
 * link, at `GET /cdn/<id>/<filename>`. Uploaded files are not part of the persisted dev state.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { inputError, notFound, StreamApiError } from '../errors.ts';
import type { Json, Route, RouteContext } from '../http.ts';
import type { UploadedPart } from '../multipart.ts';

interface StoredFile {
  cid: string;
  userId: string;
  filename: string;
  contentType: string;
  data: Buffer;
}

/** The uploaded files of one emulator, by the path part of their URL (`<id>/<filename>`). */
export class UploadStore {
  readonly files = new Map<string, StoredFile>();
}

const CDN = '/cdn/';

function uploader(ctx: RouteContext): string {
  if (ctx.auth.kind === 'user') return ctx.auth.userId;
  let user: unknown = ctx.body.user;
  if (typeof user === 'string') {
    try {
      user = JSON.parse(user);
    } catch {
      throw inputError('user must be a JSON object with an id');
    }
  }
  const id = (user as { id?: unknown } | undefined)?.id;
  if (typeof id !== 'string' || !id) throw inputError('user or user_id must be provided when using server side auth.');
  return id;
}

function upload(kind: 'file' | 'image', uploads: UploadStore, baseUrl: () => string) {
  return (ctx: RouteContext): Json => {
    const ch = ctx.store.channel(ctx.params.type!, ctx.params.id!);
    const part = ctx.body.file as UploadedPart | string | undefined;
    if (!part || typeof part === 'string') throw inputError('file is a required field (a multipart part with a filename)');
    if (part.data.length === 0) throw inputError('file is empty');
    const userId = uploader(ctx);
    if (ctx.auth.kind === 'user' && !ch.members.has(userId)) {
      throw new StreamApiError('notAllowed', `User '${userId}' with role 'user' is not allowed to perform action UploadAttachment in scope '${ch.type}'`);
    }
    if (kind === 'image' && !/^image\//i.test(part.contentType)) {
      throw inputError(`file type ${part.contentType} is not an image: upload it to the file endpoint`);
    }
    const key = `${randomUUID()}/${encodeURIComponent(part.filename || kind)}`;
    uploads.files.set(key, { cid: ch.cid, userId, filename: part.filename, contentType: part.contentType, data: part.data });
    return { file: `${baseUrl()}${CDN}${key}` };
  };
}

function remove(uploads: UploadStore) {
  return (ctx: RouteContext): Json => {
    ctx.store.channel(ctx.params.type!, ctx.params.id!);
    const url = ctx.query.get('url');
    if (!url) throw inputError('url is a required field');
    const at = url.indexOf(CDN);
    const key = at >= 0 ? url.slice(at + CDN.length).split('?')[0]! : '';
    if (!uploads.files.delete(key)) throw notFound(`no uploaded file at ${url}`);
    return {};
  };
}

export function uploadRoutes(uploads: UploadStore, baseUrl: () => string): Route[] {
  return [
    { method: 'POST', path: '/channels/:type/:id/file', op: 'UploadChannelFile', handler: upload('file', uploads, baseUrl) },
    { method: 'POST', path: '/channels/:type/:id/image', op: 'UploadChannelImage', handler: upload('image', uploads, baseUrl) },
    { method: 'DELETE', path: '/channels/:type/:id/file', op: 'DeleteChannelFile', handler: remove(uploads) },
    { method: 'DELETE', path: '/channels/:type/:id/image', op: 'DeleteChannelImage', handler: remove(uploads) },
  ];
}

/** Serves `GET /cdn/<id>/<filename>`; returns false for any other request (the API handles it). */
export function serveUpload(uploads: UploadStore, req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const path = (req.url ?? '').split('?')[0]!;
  if (!path.startsWith(CDN)) return false;
  const file = uploads.files.get(path.slice(CDN.length));
  if (!file) {
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('no such file');
    return true;
  }
  res.writeHead(200, {
    'content-type': file.contentType,
    'content-length': file.data.length,
    'cache-control': 'public, max-age=31536000, immutable',
    'content-disposition': `inline; filename*=UTF-8''${encodeURIComponent(file.filename)}`,
    // A console page on another loopback port shows these, as a client shows CDN files.
    'access-control-allow-origin': '*',
  });
  res.end(req.method === 'HEAD' ? undefined : file.data);
  return true;
}
