import { PlatformError } from '../../errors.ts';

interface RestErrorLike {
  name?: string;
  message?: string;
  statusCode?: number;
  code?: string;
  response?: { headers?: { get(name: string): string | undefined } };
}

/** Reads how long the service asked us to wait: retry-after-ms, x-ms-retry-after-ms, or Retry-After (seconds or an HTTP date). */
export function retryAfterMs(error: unknown, now: () => number = Date.now): number | undefined {
  const headers = (error as RestErrorLike)?.response?.headers;
  if (!headers) return undefined;
  for (const name of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const v = Number(headers.get(name));
    if (headers.get(name) && Number.isFinite(v)) return v;
  }
  const value = headers.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now());
}

/** Any SDK failure → PlatformError('acs', …) with the HTTP status, ACS error code and Retry-After. */
export function toPlatformError(error: unknown, doing: string): PlatformError {
  if (error instanceof PlatformError) return error;
  const e = error as RestErrorLike;
  const status = typeof e?.statusCode === 'number' ? e.statusCode : undefined;
  return new PlatformError('acs', `${doing} failed${status ? ` (${status}${e.code ? ` ${e.code}` : ''})` : ''}: ${e?.message ?? String(error)}`, {
    status,
    retryAfterMs: retryAfterMs(error),
    platformCode: e?.code,
    cause: error,
  });
}

/** Runs one SDK call and rethrows its failure as a PlatformError. */
export async function call<T>(doing: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw toPlatformError(error, doing);
  }
}
