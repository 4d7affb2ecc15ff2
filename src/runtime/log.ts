/**
 * pino loggers: JSON in production, pretty in dev; secrets never printed.
 */
import pino, { type Logger } from 'pino';
import { logFields } from '../telemetry/spans.ts';

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
  /** Where JSON lines go instead of stdout (tests read them back). */
  destination?: pino.DestinationStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  // mixin: the active trace's trace_id and span_id on every line (nothing while tracing is off).
  const base = { level: options.level ?? 'info', redact: { paths: REDACT_PATHS, censor: '[redacted]' }, mixin: logFields };
  if (options.pretty) {
    return pino({ ...base, transport: { target: 'pino-pretty', options: { colorize: true, ignore: 'pid,hostname', translateTime: 'HH:MM:ss.l' } } });
  }
  return options.destination ? pino(base, options.destination) : pino(base);
}

/** A logger that drops everything (tests). */
export const silentLogger: Logger = pino({ level: 'silent' });
