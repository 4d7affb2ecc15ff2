/**
 * Stream's X-RateLimit-Limit / -Remaining / -Reset headers, read off every answer of the server client
 * (an axios response interceptor: the SDK hands back only the body) and reported by call kind, so
 * outbound can pace to the app's real limits (src/outbound/outbound.ts).
 */
import type { StreamChat } from 'stream-chat';
import type { RateLimitReport } from '../adapter.ts';

// Method + path of the endpoints botyard's verbs call → the outbound call kind they count against.
const ROUTES: Array<[method: string, path: RegExp, kind: string]> = [
  ['post', /\/channels\/[^/]+\/[^/]+\/message$/, 'send'],
  ['post', /\/channels\/[^/]+\/[^/]+\/read$/, 'markRead'],
  ['post', /\/channels\/[^/]+\/[^/]+\/event$/, 'typing'],
  ['post', /\/channels\/[^/]+\/[^/]+$/, 'members'],
  ['patch', /\/channels\/[^/]+\/[^/]+$/, 'topic'],
  ['post', /\/messages\/[^/]+\/reaction$/, 'react'],
  ['put', /\/messages\/[^/]+$/, 'edit'],
  ['post', /\/messages\/[^/]+$/, 'edit'],
  ['delete', /\/messages\/[^/]+$/, 'delete'],
  ['post', /\/moderation\/ban$/, 'ban'],
];

/** The call kind of a request, from its method and URL; undefined for calls outbound does not pace. */
export function kindOf(method: string | undefined, url: string | undefined): string | undefined {
  if (!method || !url) return undefined;
  const path = url.split('?', 1)[0]!;
  const m = method.toLowerCase();
  return ROUTES.find(([verb, pattern]) => verb === m && pattern.test(path))?.[2];
}

type Headers = Record<string, unknown> & { get?: (name: string) => unknown };
const num = (headers: Headers, name: string): number | undefined => {
  const raw = typeof headers.get === 'function' ? headers.get(name) : headers[name];
  const n = Number(raw);
  return raw === undefined || raw === null || !Number.isFinite(n) ? undefined : n;
};

/** Calls `listener` with the rate-limit headers of every answer of `client` to a paced endpoint. */
export function watchRateLimits(client: StreamChat, listener: (report: RateLimitReport) => void): void {
  client.axiosInstance.interceptors.response.use((response) => {
    const kind = kindOf(response.config?.method, response.config?.url);
    const headers = response.headers as Headers | undefined;
    if (kind && headers) {
      const limit = num(headers, 'x-ratelimit-limit');
      const remaining = num(headers, 'x-ratelimit-remaining');
      const reset = num(headers, 'x-ratelimit-reset');
      if (limit !== undefined || remaining !== undefined) {
        listener({ kind, ...(limit !== undefined ? { limit } : {}), ...(remaining !== undefined ? { remaining } : {}), ...(reset !== undefined ? { resetAtMs: reset * 1000 } : {}) });
      }
    }
    return response;
  });
}
