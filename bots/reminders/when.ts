/**
 * When a reminder is due, from what the user typed after /remind:
 *   in 10m <text>  ·  in 1h 30m <text>  ·  in 2 hours <text>
 *   at 09:00 <text>  ·  at 9:30pm <text>        (today, or tomorrow when that time has passed)
 *   tomorrow 09:00 <text>  ·  tomorrow at 9am <text>
 * Clock times are in `zone`.
 */
import { addDays, instantOf, wallTime } from './zone.ts';

export interface Due {
  dueAt: number;
  text: string;
  /** How it was asked: a delay, or a clock time. */
  kind: 'in' | 'at';
}

const UNIT_MS: Array<[RegExp, number]> = [
  [/^(s|secs?|seconds?)$/, 1_000],
  [/^(m|mins?|minutes?)$/, 60_000],
  [/^(h|hrs?|hours?)$/, 3_600_000],
  [/^(d|days?)$/, 86_400_000],
  [/^(w|weeks?)$/, 604_800_000],
];
const DURATION_PART = /(\d+)\s*([a-z]+)\s*/iy;
const CLOCK = /^(\d{1,2})(?::(\d{2}))?\s*(am|pm)?$/i;
/** The longest delay accepted: a year. */
const MAX_MS = 366 * 86_400_000;

/** Parses `10m`, `1h 30m`, `2 hours` at the start of `s`; the ms and the rest of the text. */
function leadingDuration(s: string): { ms: number; rest: string } | undefined {
  let ms = 0;
  let at = 0;
  DURATION_PART.lastIndex = 0;
  for (let m = DURATION_PART.exec(s); m; m = DURATION_PART.exec(s)) {
    const unit = UNIT_MS.find(([re]) => re.test(m![2]!.toLowerCase()));
    if (!unit) break;
    ms += Number(m[1]) * unit[1];
    at = DURATION_PART.lastIndex;
  }
  return at > 0 && ms > 0 ? { ms, rest: s.slice(at) } : undefined;
}

/** `09:00`, `9:30pm`, `9am` → hour and minute; undefined for anything else (a bare `9` included). */
function clockTime(token: string): { hour: number; minute: number } | undefined {
  const m = CLOCK.exec(token);
  if (!m || (m[2] === undefined && m[3] === undefined)) return undefined;
  let hour = Number(m[1]);
  const minute = Number(m[2] ?? 0);
  if (m[3]) {
    if (hour < 1 || hour > 12) return undefined;
    hour = (hour % 12) + (m[3].toLowerCase() === 'pm' ? 12 : 0);
  }
  return hour <= 23 && minute <= 59 ? { hour, minute } : undefined;
}

/** The due time of `/remind <input>` at `now` in `zone`, or undefined when it is not one of the forms. */
export function parseDue(input: string, now: number, zone: string): Due | undefined {
  const s = input.trim();
  const inForm = /^in\s+([\s\S]+)$/i.exec(s);
  if (inForm) {
    const d = leadingDuration(inForm[1]!);
    const text = d?.rest.trim();
    return d && text && d.ms <= MAX_MS ? { dueAt: now + d.ms, text, kind: 'in' } : undefined;
  }
  const atForm = /^(tomorrow\s+(?:at\s+)?|at\s+)(\S+)\s+([\s\S]+)$/i.exec(s);
  if (!atForm) return undefined;
  const time = clockTime(atForm[2]!);
  const text = atForm[3]!.trim();
  if (!time || !text) return undefined;
  const today = wallTime(now, zone);
  const tomorrow = /^tomorrow/i.test(atForm[1]!);
  let dueAt = instantOf({ ...addDays(today, tomorrow ? 1 : 0), ...time }, zone);
  if (!tomorrow && dueAt <= now) dueAt = instantOf({ ...addDays(today, 1), ...time }, zone);
  return { dueAt, text, kind: 'at' };
}
