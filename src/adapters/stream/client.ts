/** The one place botyard builds a stream-chat server client. */
import http from 'node:http';
import { StreamChat } from 'stream-chat';

export interface StreamClientOptions {
  apiKey: string;
  apiSecret: string;
  baseUrl?: string;
  timeoutMs?: number;
  /**
   * Let axios look for HTTP(S)_PROXY in the environment on every request (its default). botyard passes
   * false when no proxy variable is set (config/schema.ts reads them), sparing each call the lookup.
   */
  useEnvProxy?: boolean;
}

/**
 * A server client tuned for many calls from one process:
 * - the channel cache off (a long-running server client would otherwise keep every channel it touched);
 * - a keep-alive agent for plain-http base URLs (the emulator; the SDK already keeps https alive);
 * - `maxRedirects: 0`: axios then calls node:http directly instead of through follow-redirects, a
 *   wrapper that costs ~8% of a reply's CPU (profiled in bench/latency). Stream's API answers, it does
 *   not redirect; a redirect would now fail the call rather than be followed;
 * - `proxy: false` when the environment names no proxy (see `useEnvProxy`).
 */
export function createStreamClient(options: StreamClientOptions): StreamChat {
  return new StreamChat(options.apiKey, options.apiSecret, {
    ...(options.baseUrl ? { baseURL: options.baseUrl.replace(/\/+$/, '') } : {}),
    disableCache: true,
    timeout: options.timeoutMs ?? 10_000,
    axiosRequestConfig: {
      httpAgent: new http.Agent({ keepAlive: true, maxSockets: 64 }),
      maxRedirects: 0,
      ...(options.useEnvProxy === false ? { proxy: false as const } : {}),
    },
  });
}

/** `messaging:general` → `['messaging', 'general']` (the id may itself contain no colon; the type never does). */
export function splitCid(cid: string): [type: string, id: string] {
  const at = cid.indexOf(':');
  if (at < 1 || at === cid.length - 1) throw new TypeError(`'${cid}' is not a Stream channel id. Write it as type:id, e.g. 'messaging:general'.`);
  return [cid.slice(0, at), cid.slice(at + 1)];
}
