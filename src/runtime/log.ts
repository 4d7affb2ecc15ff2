/**
 * pino loggers: JSON in production, pretty in dev; secrets never printed.
 */
import pino, { type Logger } from 'pino';
import { conciseError } from './error-location.ts';
import { scrubText, serializeError } from './log-scrub.ts';

/** Paths pino replaces with [redacted] wherever they appear in a log line. */
export const REDACT_PATHS = [
  'apiSecret',
  'secret',
  'token',
  'connectionString',
  'accessKey',
  '*.apiSecret',
  '*.secret',
  '*.token',
  '*.connectionString',
  '*.accessKey',
  'headers.authorization',
  'env.STREAM_API_SECRET',
  'env.ACS_CONNECTION_STRING',
  'env.ACS_EVENTGRID_SECRET',
  'env.ACS_EVENTGRID_SECRET_PREVIOUS',
  'env.REDIS_URL',
  'password',
  '*.password',
];

export interface LoggerOptions {
  level?: string;
  pretty?: boolean;
}

/** Plain objects' string values (two levels deep) scrubbed; errors go through their serializer instead. */
function scrubFields(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (depth > 1 || value === null || typeof value !== 'object' || value instanceof Error || Array.isArray(value)) return value;
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = scrubFields(v, depth + 1);
  return out;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const base: LoggerOptions & pino.LoggerOptions = {
    level: options.level ?? 'info',
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    // One error serializer for every logged error: no command arguments, configs, headers or secrets (log-scrub.ts).
    serializers: { err: serializeError, error: serializeError },
    hooks: {
      logMethod(args, method) {
        method.apply(this, args.map((a) => scrubFields(a)) as Parameters<typeof method>);
      },
    },
  };
  if (options.pretty) {
    // In a terminal an error is one line (what and where in the bot's code), not a 30-line stack;
    // LOG_LEVEL=debug adds the stacks back.
    // Either way through the scrubber: the one line carries the error's message, which may quote a secret.
    const concise = (e: unknown) => (e instanceof Error ? scrubText(conciseError(e)) : serializeError(e));
    const err = base.level === 'debug' || base.level === 'trace' ? serializeError : concise;
    return pino({ ...base, serializers: { err, error: err }, transport: { target: 'pino-pretty', options: { colorize: true, ignore: 'pid,hostname', translateTime: 'HH:MM:ss.l', singleLine: true, errorLikeObjectKeys: [] } } });
  }
  return pino(base);
}

/** A logger that drops everything (tests). */
export const silentLogger: Logger = pino({ level: 'silent' });
