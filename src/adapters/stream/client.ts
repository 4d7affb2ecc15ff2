/** The one place botyard builds a stream-chat server client. */
import http from 'node:http';
import { StreamChat } from 'stream-chat';

export interface StreamClientOptions {
  apiKey: string;
  apiSecret: string;
  baseUrl?: string;
  timeoutMs?: number;
}

/**
 * A server client with the channel cache off (a long-running server client would otherwise keep
 * every channel it ever touched) and a keep-alive agent for plain-http base URLs (the emulator);
 * the SDK already keeps https connections alive.
 */
export function createStreamClient(options: StreamClientOptions): StreamChat {
  return new StreamChat(options.apiKey, options.apiSecret, {
    ...(options.baseUrl ? { baseURL: options.baseUrl.replace(/\/+$/, '') } : {}),
    disableCache: true,
    timeout: options.timeoutMs ?? 10_000,
    axiosRequestConfig: { httpAgent: new http.Agent({ keepAlive: true, maxSockets: 64 }) },
  });
}

/** `messaging:general` → `['messaging', 'general']` (the id may itself contain no colon; the type never does). */
export function splitCid(cid: string): [type: string, id: string] {
  const at = cid.indexOf(':');
  if (at < 1 || at === cid.length - 1) throw new TypeError(`'${cid}' is not a Stream channel id. Write it as type:id, e.g. 'messaging:general'.`);
  return [cid.slice(0, at), cid.slice(at + 1)];
}
