/** The one place botyard builds a stream-chat server client. */
import http from 'node:http';
import https from 'node:https';
import { createRequire } from 'node:module';
import type { StreamChat } from 'stream-chat';

/**
 * stream-chat is CommonJS (its node build, which `import` resolves to as well): required, not imported,
 * because an ESM import of it first runs Node's CommonJS export scanner over its 700 KB bundle, ~250 ms
 * of CPU and ~6 MB at start (measured on Node 20 for issue #10's start time). Same module, same object.
 */
const { StreamChat: StreamChatClient } = createRequire(import.meta.url)('stream-chat') as typeof import('stream-chat');

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
 * - keep-alive agents of our own for http (the emulator) and https (Stream), tuned in `keepAliveAgent`;
 * - `maxRedirects: 0`: axios then calls node:http directly instead of through follow-redirects, a
 *   wrapper that costs ~8% of a reply's CPU (profiled in bench/latency). Stream's API answers, it does
 *   not redirect; a redirect would now fail the call rather than be followed;
 * - `proxy: false` when the environment names no proxy (see `useEnvProxy`).
 */
export function createStreamClient(options: StreamClientOptions): StreamChat {
  return new StreamChatClient(options.apiKey, options.apiSecret, {
    ...(options.baseUrl ? { baseURL: options.baseUrl.replace(/\/+$/, '') } : {}),
    disableCache: true,
    timeout: options.timeoutMs ?? 10_000,
    // The SDK builds an https agent of its own only when it is given none (keep-alive, 3 s probes).
    httpsAgent: keepAliveAgent(https.Agent),
    axiosRequestConfig: {
      httpAgent: keepAliveAgent(http.Agent, 64),
      maxRedirects: 0,
      ...(options.useEnvProxy === false ? { proxy: false as const } : {}),
    },
  });
}

/**
 * axios turns TCP keep-alive on for each request's socket with a 60 s initial delay; the agent sets its
 * own `keepAliveMsecs` (Node's default 1 s, the SDK's https agent 3 s) when the socket goes back to the
 * pool. With the two different, every call set it back and forth: two setsockopt calls per request
 * (~1.5% of a reply's CPU in bench/latency's profile). Agreeing on 60 s, Node skips both after the
 * socket's first request. `lifo` hands out the socket used last, so the warm sockets stay few and the
 * ones a burst opened sit idle until the server's idle timeout closes them (`fifo` would keep them all
 * in turn).
 */
export function keepAliveAgent<A extends http.Agent>(Agent: new (options: http.AgentOptions) => A, maxSockets?: number): A {
  return new Agent({ keepAlive: true, keepAliveMsecs: 60_000, scheduling: 'lifo', ...(maxSockets ? { maxSockets } : {}) });
}

/** `messaging:general` → `['messaging', 'general']` (the id may itself contain no colon; the type never does). */
export function splitCid(cid: string): [type: string, id: string] {
  const at = cid.indexOf(':');
  if (at < 1 || at === cid.length - 1) throw new TypeError(`'${cid}' is not a Stream channel id. Write it as type:id, e.g. 'messaging:general'.`);
  return [cid.slice(0, at), cid.slice(at + 1)];
}
