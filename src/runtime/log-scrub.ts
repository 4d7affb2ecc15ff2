/**
 * No secret in any log line. Errors are the leak: ioredis puts the AUTH command's arguments (the
 * password) on `err.command.args`, HTTP clients put request headers and configs on theirs, and
 * messages quote URLs with credentials. So every error is logged through one serializer that keeps
 * a safe subset (type, message, stack, code, status, a few more primitives, causes) with the text
 * scrubbed, and every message string is scrubbed too:
 *   - the secret values the configuration holds (registered by loadConfig), wherever they appear;
 *   - credentials in URLs (`redis://user:pw@host`), `accesskey=` (ACS connection strings),
 *     `Bearer …`, JWTs, and secret-looking query parameters.
 */
import { stdSerializers } from 'pino';

const REDACTED = '[redacted]';
const secrets = new Set<string>();

/** Values to scrub wherever they appear (config secrets). Short values are ignored: they would match ordinary text. */
export function registerSecrets(values: Array<string | undefined>): void {
  for (const v of values) if (v && v.length >= 6) secrets.add(v);
}

const PATTERNS: Array<[RegExp, string]> = [
  [/\b([a-z][a-z0-9+.-]*:\/\/)([^:@/\s]*):([^@/\s]+)@/gi, `$1$2:${REDACTED}@`],
  [/(accesskey=)[^;\s"']+/gi, `$1${REDACTED}`],
  [/(Bearer\s+)[A-Za-z0-9._~+/=-]+/g, `$1${REDACTED}`],
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, REDACTED],
  [/([?&](?:secret|password|pass|pwd|token|access_token|sig|signature|key|code|api_secret)=)[^&\s"']+/gi, `$1${REDACTED}`],
];

/** `text` with every known secret and secret-shaped substring replaced. */
export function scrubText(text: string): string {
  let out = text;
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** Own properties an error may keep in the log (primitives only). Everything else (command, config, request, headers…) is dropped. */
const KEEP = new Set(['code', 'status', 'statusCode', 'platform', 'platformCode', 'retryable', 'retryAfterMs', 'errno', 'syscall', 'address', 'port', 'bot', 'file', 'capability']);

export interface SerializedError {
  type: string;
  message: string;
  stack?: string;
  cause?: SerializedError;
  [field: string]: unknown;
}

/** pino's `err` serializer: a safe, scrubbed copy of an error (and its causes, 3 deep). */
export function serializeError(error: unknown, depth = 0): SerializedError | unknown {
  if (!(error instanceof Error)) return typeof error === 'string' ? scrubText(error) : error;
  const base = stdSerializers.err(error);
  const out: SerializedError = { type: base.type, message: scrubText(base.message ?? '') };
  if (base.stack) out.stack = scrubText(base.stack);
  for (const key of KEEP) {
    const value = (error as unknown as Record<string, unknown>)[key];
    if (value !== undefined && (typeof value !== 'object' || value === null)) out[key] = typeof value === 'string' ? scrubText(value) : value;
  }
  if (error.cause !== undefined && depth < 3) out.cause = serializeError(error.cause, depth + 1) as SerializedError;
  if (error instanceof AggregateError && depth < 3) out.errors = error.errors.slice(0, 5).map((e) => serializeError(e, depth + 1));
  return out;
}
