/**
 * pino loggers: JSON in production, pretty in dev; secrets never printed.
 */
import pino, { type Logger } from 'pino';
import { conciseError } from './error-location.ts';

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
];

export interface LoggerOptions {
  level?: string;
  pretty?: boolean;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const base = { level: options.level ?? 'info', redact: { paths: REDACT_PATHS, censor: '[redacted]' } };
  if (options.pretty) {
    // In a terminal an error is one line (what and where in the bot's code), not a 30-line stack;
    // LOG_LEVEL=debug adds the stacks back.
    const err = base.level === 'debug' || base.level === 'trace' ? pino.stdSerializers.err : conciseError;
    return pino({ ...base, serializers: { err }, transport: { target: 'pino-pretty', options: { colorize: true, ignore: 'pid,hostname', translateTime: 'HH:MM:ss.l', singleLine: true, errorLikeObjectKeys: [] } } });
  }
  return pino(base);
}

/** A logger that drops everything (tests). */
export const silentLogger: Logger = pino({ level: 'silent' });
