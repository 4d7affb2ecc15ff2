/**
 * Reads a request body with a size limit, gunzipping `Content-Encoding: gzip` (with the same limit
 * on the inflated size, so a zip bomb is a 413 too). Plain 'data'/'end' listeners rather than an
 * async iterator: this runs once per webhook and the iterator's machinery costs more than the read.
 *
 * Over the limit the request is never destroyed: destroying it resets the socket while the client is
 * still sending, and the client sees ECONNRESET instead of the 413 (chunked bodies have no
 * Content-Length to refuse up front). The rest of the body is read and thrown away instead, so the
 * 413 arrives on a healthy connection; `discardUntilClosed` bounds how much is thrown away.
 */
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

export class BodyError extends Error {
  constructor(readonly status: 400 | 413 | 415, message: string) {
    super(message);
  }
}

/**
 * Reads and drops what is left of `req`; past `maxBytes` more (a client that will not stop), closes
 * the connection. The 413 is already on its way by then.
 */
export function discardRest(req: IncomingMessage, maxBytes: number): void {
  let dropped = 0;
  req.unpipe();
  req.removeAllListeners('data');
  req.on('data', (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > maxBytes) req.socket.destroy();
  });
  req.resume();
}

function collect(source: Readable, req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    source.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        source.removeAllListeners('data');
        if (source !== req) source.destroy(); // the gunzip stream only, never the socket
        discardRest(req, maxBytes * 8);
        reject(new BodyError(413, `body is over the ${maxBytes}-byte limit`));
        return;
      }
      chunks.push(chunk);
    });
    // `on`, not `once`: a stream ends once, and once() wraps its listener anew for every request.
    source.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
    source.once('error', (err) => {
      discardRest(req, maxBytes * 8);
      reject(new BodyError(400, `could not read the body: ${err.message}`));
    });
  });
}

/**
 * The body, or a BodyError (413, 415, 400). Not an async function: the plain body is `collect`'s own
 * promise, not a second one wrapped around it (each promise costs a webhook more while AsyncLocalStorage
 * is in use, as the handler scope makes it on Node 20).
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    discardRest(req, maxBytes * 8);
    return Promise.reject(new BodyError(413, `body of ${declared} bytes is over the ${maxBytes}-byte limit`));
  }
  const encoding = req.headers['content-encoding']?.toLowerCase() ?? 'identity';
  if (encoding === 'identity') return collect(req, req, maxBytes);
  if (encoding !== 'gzip') {
    discardRest(req, maxBytes * 8);
    return Promise.reject(new BodyError(415, `unsupported Content-Encoding '${encoding}' (send identity or gzip)`));
  }
  const gunzip = createGunzip();
  req.on('error', (err) => gunzip.destroy(err));
  return collect(req.pipe(gunzip), req, maxBytes);
}
