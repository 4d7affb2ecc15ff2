/**
 * multipart/form-data bodies, as stream-chat's `sendFile` / `sendImage` send them (form-data in Node,
 * FormData in browsers): a `file` part with a filename and content type, and an optional `user` part
 * holding JSON. Parsed into `{ <field>: string, <file field>: UploadedPart }`.
 */
import { StreamApiError } from './errors.ts';

export interface UploadedPart {
  filename: string;
  contentType: string;
  data: Buffer;
}

export type MultipartBody = Record<string, string | UploadedPart>;

/** True when a request's content type says multipart/form-data. */
export function isMultipart(contentType: string | undefined): boolean {
  return typeof contentType === 'string' && /^multipart\/form-data\b/i.test(contentType);
}

function boundaryOf(contentType: string): string {
  const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  const boundary = m?.[1] ?? m?.[2]?.trim();
  if (!boundary) throw new StreamApiError('input', 'multipart body without a boundary in its content type');
  return boundary;
}

function headerParam(header: string, name: string): string | undefined {
  const m = new RegExp(`\\b${name}\\*?="((?:[^"\\\\]|\\\\.)*)"`, 'i').exec(header) ?? new RegExp(`\\b${name}=([^;\\s]+)`, 'i').exec(header);
  return m?.[1]?.replace(/\\(.)/g, '$1');
}

/** Splits `raw` on the boundary; each part's headers end at the first blank line. */
export function parseMultipart(raw: Buffer, contentType: string): MultipartBody {
  const delimiter = Buffer.from(`--${boundaryOf(contentType)}`);
  const out: MultipartBody = {};
  let at = raw.indexOf(delimiter);
  if (at < 0) throw new StreamApiError('input', 'multipart body has no part');
  while (at >= 0) {
    const start = at + delimiter.length;
    // `--` after a delimiter ends the body.
    if (raw.subarray(start, start + 2).toString() === '--') break;
    const next = raw.indexOf(delimiter, start);
    if (next < 0) throw new StreamApiError('input', 'multipart body is not terminated');
    // Each part sits between "\r\n" after the delimiter and "\r\n" before the next one.
    const part = raw.subarray(start + 2, next - 2);
    const split = part.indexOf('\r\n\r\n');
    if (split < 0) throw new StreamApiError('input', 'multipart part without headers');
    const headers = part.subarray(0, split).toString('utf8');
    const data = part.subarray(split + 4);
    const disposition = /^content-disposition:(.*)$/im.exec(headers)?.[1] ?? '';
    const name = headerParam(disposition, 'name');
    if (name) {
      const filename = headerParam(disposition, 'filename');
      const type = /^content-type:\s*(.*)$/im.exec(headers)?.[1]?.trim();
      out[name] = filename !== undefined ? { filename, contentType: type || 'application/octet-stream', data: Buffer.from(data) } : data.toString('utf8');
    }
    at = next;
  }
  return out;
}
