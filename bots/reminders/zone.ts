/**
 * Wall-clock time in an IANA zone with nothing but Intl: which instant is 09:00 in Europe/Berlin on a
 * given day, what day it is there now, and whether a zone name is real.
 */

/** True when `zone` is an IANA zone this Node knows ('Europe/Berlin', 'UTC'). */
export function isZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export interface WallTime {
  year: number;
  /** 1-12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function partsFormatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(zone, f);
  }
  return f;
}

/** The wall-clock time in `zone` at `instant`. */
export function wallTime(instant: number, zone: string): WallTime & { second: number } {
  const parts = Object.fromEntries(partsFormatter(zone).formatToParts(new Date(instant)).map((p) => [p.type, p.value]));
  return { year: +parts.year!, month: +parts.month!, day: +parts.day!, hour: +parts.hour!, minute: +parts.minute!, second: +parts.second! };
}

/** How far `zone` is ahead of UTC at `instant`, in ms. */
function offsetAt(instant: number, zone: string): number {
  const w = wallTime(instant, zone);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant the clocks in `zone` show `wall`. In an overlap (an hour that happens twice) it is the
 * first; in a gap (02:30 on the night the clocks jump) it is the same wall time after the jump.
 */
export function instantOf(wall: WallTime, zone: string): number {
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
  // Offsets half a day either side: a zone changes its offset at most once in that span.
  const before = asUtc - offsetAt(asUtc - 43_200_000, zone);
  const after = asUtc - offsetAt(asUtc + 43_200_000, zone);
  const shows = (instant: number) => {
    const w = wallTime(instant, zone);
    return w.day === wall.day && w.hour === wall.hour && w.minute === wall.minute;
  };
  const exact = [before, after].filter(shows);
  return exact.length ? Math.min(...exact) : before;
}

/** The calendar day `days` after the day of `w` (month and year roll over). */
export function addDays(w: WallTime, days: number): WallTime {
  const d = new Date(Date.UTC(w.year, w.month - 1, w.day + days));
  return { ...w, year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}
