/**
 * Where in the user's own code an error happened: `bots/welcome.ts:12:5` and the line itself.
 *
 * Two sources: esbuild's build failures (a syntax error in a bot or bot.config.ts carries a location),
 * and stack traces, which point at the bot's TypeScript because bot bundles carry source maps
 * (import-fresh.ts). The first frame outside botyard and node_modules is the user's.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ErrorLocation {
  /** Absolute path of the file. */
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

/** botyard's own folder (src/ or dist/ inside the package): frames there are not the user's. */
const botyardCode = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface EsbuildMessage {
  text: string;
  location?: { file: string; line: number; column: number } | null;
}

/** The first error of an esbuild BuildFailure, or undefined for any other error. */
function esbuildError(err: unknown): EsbuildMessage | undefined {
  const errors = (err as { errors?: unknown })?.errors;
  if (!Array.isArray(errors) || errors.length === 0) return undefined;
  const first = errors[0] as EsbuildMessage;
  return typeof first?.text === 'string' ? first : undefined;
}

/** True for a stack frame's file that is the user's code, not botyard's, a package's or Node's. */
function isUserFile(file: string): boolean {
  if (!path.isAbsolute(file)) return false;
  if (file.includes(`${path.sep}node_modules${path.sep}`)) return false;
  if (file.includes(`${path.sep}.botyard${path.sep}cache${path.sep}`)) return true;
  return !file.startsWith(botyardCode + path.sep);
}

/** The first stack frame in the user's code. */
function userFrame(stack: string): ErrorLocation | undefined {
  for (const line of stack.split('\n').slice(1)) {
    const m = /\(?((?:file:\/\/)?\/[^():]+?):(\d+):(\d+)\)?\s*$/.exec(line.trim());
    if (!m) continue;
    const file = m[1]!.startsWith('file://') ? fileURLToPath(m[1]!) : m[1]!;
    if (isUserFile(file)) return { file, line: Number(m[2]), column: Number(m[3]) };
  }
  return undefined;
}

/** Where `err` happened in the user's code, if it can tell. `cwd` resolves esbuild's relative paths. */
export function locateError(err: unknown, cwd = process.cwd()): ErrorLocation | undefined {
  const built = esbuildError(err);
  if (built) {
    if (!built.location) return undefined;
    const { file, line, column } = built.location;
    return { file: path.resolve(cwd, file), line, column: column + 1 };
  }
  const stack = (err as Error)?.stack;
  return typeof stack === 'string' ? userFrame(stack) : undefined;
}

/** What went wrong in one line: esbuild's message text, or `TypeError: ...`. */
export function errorSummary(err: unknown): string {
  const built = esbuildError(err);
  if (built) return built.text;
  if (err instanceof Error) return `${err.name === 'Error' ? '' : `${err.name}: `}${err.message.split('\n')[0]}`;
  return String(err);
}

/** `bots/welcome.ts:12:5`, relative to `cwd` when inside it. */
export function formatLocation(location: ErrorLocation, cwd = process.cwd()): string {
  const rel = path.relative(cwd, location.file);
  const shown = rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : location.file;
  return `${shown}:${location.line}:${location.column}`;
}

/**
 * The offending line with up to two lines before it and a caret under the column:
 *
 *     2 |   name: 'x',
 *     3 |   setup( {
 *       |          ^
 */
export function codeFrame(location: ErrorLocation): string | undefined {
  let lines: string[];
  try {
    lines = readFileSync(location.file, 'utf8').split(/\r?\n/);
  } catch {
    return undefined;
  }
  // esbuild reports "end of file" one past the last line; show the lines that lead there.
  const last = Math.min(location.line, lines.length);
  if (last < 1) return undefined;
  const first = Math.max(1, last - 2);
  const width = String(last).length;
  const out: string[] = [];
  for (let n = first; n <= last; n++) out.push(`  ${String(n).padStart(width)} | ${lines[n - 1]}`);
  if (last === location.line) out.push(`  ${' '.repeat(width)} | ${' '.repeat(Math.max(0, location.column - 1))}^`);
  return out.join('\n');
}

/** One line for logs: `TypeError: x is undefined at bots/welcome.ts:12:5`. */
export function conciseError(err: unknown): string {
  const location = locateError(err);
  return `${errorSummary(err)}${location ? ` at ${formatLocation(location)}` : ''}`;
}
