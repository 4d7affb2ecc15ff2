/**
 * Times in words for confirmations and lists: "in 10 minutes, at 14:32 (UTC)", "tomorrow at 09:00
 * (Europe/Berlin)", "on Thursday 8 January at 14:32 (UTC)".
 */
import { addDays, wallTime } from './zone.ts';

const UNITS: Array<[string, number]> = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1_000],
];

/** `5400000` → "1 hour 30 minutes": the two largest units. */
export function durationInWords(ms: number): string {
  const parts: string[] = [];
  let left = Math.max(0, Math.round(ms / 1000) * 1000);
  for (const [name, size] of UNITS) {
    const n = Math.floor(left / size);
    if (n > 0) parts.push(`${n} ${name}${n === 1 ? '' : 's'}`);
    left -= n * size;
  }
  return parts.slice(0, 2).join(' ') || '0 seconds';
}

const two = (n: number) => String(n).padStart(2, '0');

/** "today at 17:00", "tomorrow at 09:00", "on Thursday 8 January at 14:32", as the clocks in `zone` show it. */
export function dayAndTime(instant: number, now: number, zone: string): string {
  const w = wallTime(instant, zone);
  const clock = `${two(w.hour)}:${two(w.minute)}`;
  const today = wallTime(now, zone);
  const sameDay = (a: { year: number; month: number; day: number }) => a.year === w.year && a.month === w.month && a.day === w.day;
  if (sameDay(today)) return `today at ${clock}`;
  if (sameDay(addDays(today, 1))) return `tomorrow at ${clock}`;
  const day = new Intl.DateTimeFormat('en-GB', { timeZone: zone, weekday: 'long', day: 'numeric', month: 'long' }).format(new Date(instant));
  return `on ${day} at ${clock}`;
}

/** The due time as a confirmation says it; a delay also says how long ("in 10 minutes, today at 14:32"). */
export function whenInWords(dueAt: number, now: number, zone: string, kind: 'in' | 'at'): string {
  const at = `${dayAndTime(dueAt, now, zone)} (${zone})`;
  return kind === 'in' ? `in ${durationInWords(dueAt - now)}, ${at}` : at;
}
