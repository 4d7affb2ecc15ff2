/**
 * A chat user's HTTP calls to the ACS emulator: https with the emulator's own CA, a bearer chat token,
 * the Chat API version in the query. What `ChatClient` does on the wire, without the SDK (the console
 * may not import it).
 */
import { request } from 'node:https';
import { CHAT_API_VERSION } from '../emulator/acs/index.ts';
import { ConsoleError } from './platform.ts';

export interface AcsRestTarget {
  /** `https://127.0.0.1:PORT/` */
  endpoint: string;
  caPem: string;
}

/** Sends one request; resolves with the JSON body (or `{}`), throws ConsoleError with the service's message. */
export function acsCall(target: AcsRestTarget, token: string, method: string, path: string, body?: unknown): Promise<Record<string, any>> {
  const url = new URL(path.replace(/^\//, ''), target.endpoint);
  url.searchParams.set('api-version', CHAT_API_VERSION);
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        ca: target.caPem,
        headers: {
          authorization: `Bearer ${token}`,
          ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: Record<string, any> = {};
          try {
            json = text ? JSON.parse(text) : {};
          } catch {
            // a non-JSON answer: keep the status as the message
          }
          const status = res.statusCode ?? 0;
          if (status >= 400) reject(new ConsoleError(status, `ACS: ${json.error?.message ?? `HTTP ${status}`}`));
          else resolve(json);
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** A CommunicationIdentifierModel for a user id, as the SDK sends it. */
export const identifier = (id: string) => ({ rawId: id, communicationUser: { id } });
