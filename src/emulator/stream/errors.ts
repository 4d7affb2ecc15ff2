/**
 * Stream's error envelope. Every failure the emulator answers has the shape the real API uses:
 * `{ code, message, StatusCode, duration, more_info, details }`, with `message` written as
 * `<OperationId> failed with error: "<detail>"` like the real backend.
 */
export const MORE_INFO = 'https://getstream.io/chat/docs/api_errors_response';

/** Stream's numeric codes that the emulator uses, with the HTTP status each one travels with. */
export const STREAM_CODES = {
  input: { code: 4, status: 400 },
  accessKey: { code: 2, status: 401 },
  authentication: { code: 5, status: 401 },
  tokenExpired: { code: 40, status: 401 },
  notValidYet: { code: 41, status: 401 },
  beforeIssuedAt: { code: 42, status: 401 },
  signatureInvalid: { code: 43, status: 401 },
  notAllowed: { code: 17, status: 403 },
  doesNotExist: { code: 16, status: 404 },
  payloadTooBig: { code: 22, status: 413 },
  rateLimit: { code: 9, status: 429 },
  internal: { code: -1, status: 500 },
} as const;

export type StreamCodeName = keyof typeof STREAM_CODES;

export class StreamApiError extends Error {
  readonly status: number;
  readonly code: number;
  readonly headers: Record<string, string>;
  /** When true, `message` is used verbatim instead of being wrapped as `<Op> failed with error: "..."`. */
  readonly verbatim: boolean;
  constructor(kind: StreamCodeName | { code: number; status: number }, detail: string, opts: { headers?: Record<string, string>; verbatim?: boolean } = {}) {
    super(detail);
    const spec = typeof kind === 'string' ? STREAM_CODES[kind] : kind;
    this.status = spec.status;
    this.code = spec.code;
    this.headers = opts.headers ?? {};
    this.verbatim = opts.verbatim ?? false;
  }
}

export const inputError = (detail: string) => new StreamApiError('input', detail);
export const notFound = (detail: string) => new StreamApiError('doesNotExist', detail);

/** The JSON body for an error raised while serving `op`. */
export function errorBody(op: string, err: StreamApiError, durationMs: number): Record<string, unknown> {
  return {
    code: err.code,
    message: err.verbatim ? err.message : `${op} failed with error: "${err.message}"`,
    StatusCode: err.status,
    duration: formatDuration(durationMs),
    more_info: MORE_INFO,
    details: [],
  };
}

export function formatDuration(ms: number): string {
  return `${ms.toFixed(2)}ms`;
}
