/** A pino logger whose lines land, parsed, in `lines`: for tests that check what was logged and with which fields. */
import { pino, type Logger } from 'pino';

export function logLines<Line = Record<string, unknown>>(level = 'debug'): { log: Logger; lines: Line[] } {
  const lines: Line[] = [];
  return { lines, log: pino({ level }, { write: (line: string) => void lines.push(JSON.parse(line) as Line) }) };
}
