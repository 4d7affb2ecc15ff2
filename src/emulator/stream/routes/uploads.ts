/**
 * Channel file and image uploads, as stream-chat's `channel.sendFile` / `channel.sendImage` call them:
 * `POST /channels/{type}/{id}/file|image` (multipart: a `file` part, and `user` as JSON on server-side
 * calls) answers `{ file: <url> }`; `DELETE` the same path with `?url=` removes it. Stream keeps the
 * bytes on its CDN; the emulator keeps them in memory and serves them, unauthenticated like a CDN
 * link, at `GET /cdn/<id>/<filename>`. With a folder (`botyard dev`'s persisted state) the bytes are
 * kept there too, one file per upload named by its id, and the list rides in the state file (persist.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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

/** An upload as the state file lists it: everything but the bytes, which live in the uploads folder. */
export type SavedUpload = Omit<StoredFile, 'data'> & { key: string };

/** The uploaded files of one emulator, by the path part of their URL (`<id>/<filename>`). */
export class UploadStore {
  readonly files = new Map<string, StoredFile>();

  /** `dir`: where the bytes are kept on disk, when the emulator persists its state. */
  constructor(private readonly dir?: string) {}

  // The id part only: a filename never becomes a path on disk.
  private diskPath(key: string): string {
    return join(this.dir!, key.split('/', 1)[0]!);
  }

  add(key: string, file: StoredFile): void {
    if (this.dir) {
      mkdirSync(this.dir, { recursive: true });
      writeFileSync(this.diskPath(key), file.data);
    }
    this.files.set(key, file);
  }

  delete(key: string): boolean {
    if (!this.files.delete(key)) return false;
    if (this.dir) rmSync(this.diskPath(key), { force: true });
    return true;
  }

  saved(): SavedUpload[] {
    return [...this.files].map(([key, { data: _bytes, ...meta }]) => ({ key, ...meta }));
  }

  /** Reads back the listed uploads whose bytes are on disk (one removed by hand is skipped: its link answers 404). */
  restore(list: SavedUpload[]): void {
    if (!this.dir) return;
    for (const { key, ...meta } of list) {
      try {
        this.files.set(key, { ...meta, data: readFileSync(this.diskPath(key)) });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    }
  }
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
    uploads.add(key, { cid: ch.cid, userId, filename: part.filename, contentType: part.contentType, data: part.data });
    // No event announces an upload: the state file hears of it here.
    ctx.store.changed();
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
    if (!uploads.delete(key)) throw notFound(`no uploaded file at ${url}`);
    ctx.store.changed();
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
