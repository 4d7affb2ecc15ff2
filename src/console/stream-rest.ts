/**
 * A Stream client's HTTP calls to the emulator, without the SDK (the console may not import it): a user
 * JWT signed with the app secret (what a client gets from its backend), or a server token for a
 * backend's jobs (user upserts). Errors come back as ConsoleError with Stream's own message.
 */
import { signJwt, type StreamEmulator } from '../emulator/stream/index.ts';
import { ConsoleError, type UploadInput } from './platform.ts';

type Json = Record<string, any>;
export type StreamCaller = { user: string } | 'server';

export interface StreamRest {
  call(method: string, path: string, as: StreamCaller, body?: unknown): Promise<Json>;
  /** Uploads to the channel's image (image/*) or file endpoint as `as`; resolves with the file's URL. */
  upload(cid: string, as: string, file: UploadInput): Promise<{ url: string; kind: 'image' | 'file' }>;
  /** `/channels/<type>/<id>` of a cid. */
  channelPath(cid: string): string;
}

export function createStreamRest(emulator: StreamEmulator): StreamRest {
  const headers = (as: StreamCaller) => ({
    authorization: signJwt(as === 'server' ? { server: true } : { user_id: as.user }, emulator.apiSecret),
    'stream-auth-type': 'jwt',
  });
  const url = (path: string) => `${emulator.url}${path}${path.includes('?') ? '&' : '?'}api_key=${encodeURIComponent(emulator.apiKey)}`;

  async function answer(res: Response): Promise<Json> {
    const json = (await res.json().catch(() => ({}))) as Json;
    if (!res.ok) throw new ConsoleError(res.status, `Stream: ${json.message ?? `HTTP ${res.status}`}`);
    return json;
  }

  const channelPath = (cid: string) => {
    const at = cid.indexOf(':');
    if (at < 1) throw new ConsoleError(400, `'${cid}' is not a Stream channel id (type:id)`);
    return `/channels/${encodeURIComponent(cid.slice(0, at))}/${encodeURIComponent(cid.slice(at + 1))}`;
  };

  return {
    channelPath,
    async call(method, path, as, body) {
      const res = await fetch(url(path), {
        method,
        headers: { ...headers(as), 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return answer(res);
    },
    async upload(cid, as, file) {
      const kind = /^image\//i.test(file.type) ? 'image' : 'file';
      // The multipart body a Stream client's sendImage/sendFile makes.
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(file.data)], { type: file.type || 'application/octet-stream' }), file.name);
      const res = await fetch(url(`${channelPath(cid)}/${kind}`), { method: 'POST', headers: headers({ user: as }), body: form });
      const out = await answer(res);
      return { url: String(out.file), kind };
    },
  };
}
