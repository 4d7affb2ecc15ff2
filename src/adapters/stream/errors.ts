/**
 * Turns what the stream-chat SDK throws into `PlatformError`. The SDK throws `ErrorFromResponse` for
 * non-2xx answers (`code` = Stream's numeric code, `status`, and the axios `response` with the headers)
 * and the raw AxiosError for network failures and timeouts (`code` is then a string like ECONNABORTED).
 */
import { PlatformError } from '../../errors.ts';

/** axios headers: a plain object with lowercase keys, or AxiosHeaders with `get()`. */
export type ResponseHeaders = (Record<string, unknown> & { get?: (name: string) => unknown }) | undefined;

interface SdkErrorLike {
  message?: string;
  code?: unknown;
  status?: unknown;
  response?: { status?: number; headers?: ResponseHeaders; data?: { code?: unknown; message?: unknown } };
}

function header(headers: ResponseHeaders, name: string): string | undefined {
  if (!headers) return undefined;
  const v = typeof headers.get === 'function' ? headers.get(name) : headers[name] ?? headers[name.toLowerCase()];
  return v === undefined || v === null ? undefined : String(v);
}

/**
 * How long the platform asked us to wait: `Retry-After` (seconds or an HTTP date) when present, else
 * `X-RateLimit-Reset` (a Unix timestamp in seconds) on a 429. Every Stream answer carries
 * X-RateLimit-Reset, so it only means "wait" when the call was actually rate limited.
 */
export function retryAfterMsFrom(status: number | undefined, headers: ResponseHeaders, nowMs = Date.now()): number | undefined {
  const retryAfter = header(headers, 'retry-after');
  if (retryAfter !== undefined) {
    const secs = Number(retryAfter);
    if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
    const at = Date.parse(retryAfter);
    if (Number.isFinite(at)) return Math.max(0, at - nowMs);
  }
  if (status === 429) {
    const reset = Number(header(headers, 'x-ratelimit-reset'));
    if (Number.isFinite(reset) && reset > 0) return Math.max(0, reset * 1000 - nowMs);
  }
  return undefined;
}

/** Stream answers a duplicate client message id with code 4 "a message with ID … already exists". */
export function isDuplicateMessageError(err: unknown): boolean {
  const e = err as SdkErrorLike;
  const code = typeof e?.code === 'number' ? e.code : e?.response?.data?.code;
  return code === 4 && /already exists/i.test(String(e?.message ?? e?.response?.data?.message ?? ''));
}

export function toPlatformError(err: unknown, action: string): PlatformError {
  if (err instanceof PlatformError) return err;
  const e = (err ?? {}) as SdkErrorLike;
  const status = e.response?.status ?? (typeof e.status === 'number' ? e.status : undefined);
  const streamCode = typeof e.code === 'number' ? e.code : typeof e.response?.data?.code === 'number' ? (e.response.data.code as number) : undefined;
  const networkCode = typeof e.code === 'string' ? e.code : undefined;
  const retryAfterMs = retryAfterMsFrom(status, e.response?.headers);
  const detail = e.message ?? String(err);
  return new PlatformError('stream', `${action} failed: ${detail}`, {
    status,
    retryAfterMs,
    platformCode: streamCode ?? networkCode,
    cause: err,
  });
}
