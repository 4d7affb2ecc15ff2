/**
 * Reads a request body with a size limit, gunzipping `Content-Encoding: gzip` (with the same limit
 * on the inflated size, so a zip bomb is a 413 too).
 */
import type { IncomingMessage } from 'node:http';
import { createGunzip } from 'node:zlib';

export class BodyError extends Error {
  constructor(readonly status: 400 | 413 | 415, message: string) {
    super(message);
  }
}

export async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    req.resume();
    throw new BodyError(413, `body of ${declared} bytes is over the ${maxBytes}-byte limit`);
  }
  const encoding = String(req.headers['content-encoding'] ?? 'identity').toLowerCase();
  if (encoding !== 'identity' && encoding !== 'gzip') {
    req.resume();
    throw new BodyError(415, `unsupported Content-Encoding '${encoding}' (send identity or gzip)`);
  }
  const source = encoding === 'gzip' ? req.pipe(createGunzip()) : req;
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of source) {
      size += (chunk as Buffer).length;
      if (size > maxBytes) {
        req.resume();
        throw new BodyError(413, `body is over the ${maxBytes}-byte limit`);
      }
      chunks.push(chunk as Buffer);
    }
  } catch (err) {
    if (err instanceof BodyError) throw err;
    throw new BodyError(400, `could not read the body: ${(err as Error).message}`);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
}
