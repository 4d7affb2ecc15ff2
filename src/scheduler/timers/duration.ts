/**
 * Durations as people write them: `'90s'`, `'10m'`, `'1h30m'`, `'2d'`, `'1.5h'`, or a number of ms.
 * Used by `ctx.timers.schedule(name, { in })`, late policies and the test kit clock.
 */

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const WHOLE = /^(?:\d+(?:\.\d+)?\s*(?:ms|s|m|h|d|w)\s*)+$/;
const PART = /(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)/g;

/** A duration in ms, or undefined when `text` is not one (`'10m'` → 600000; `'1h 30m'` → 5400000). */
export function parseDurationText(text: string): number | undefined {
  const s = text.trim().toLowerCase();
  if (!WHOLE.test(s)) return undefined;
  let total = 0;
  for (const m of s.matchAll(PART)) total += Number(m[1]) * UNIT_MS[m[2]!]!;
  return Math.round(total);
}

/**
 * A duration in ms from `'10m'`-style text or a number of ms; throws a TypeError naming `what` and
 * showing valid forms otherwise.
 */
export function toMs(value: string | number, what: string): number {
  const ms = typeof value === 'number' ? value : parseDurationText(value);
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) {
    throw new TypeError(`${what}: ${JSON.stringify(value)} is not a duration. Use milliseconds (600000) or text such as '90s', '10m', '1h30m', '2d'.`);
  }
  return ms;
}
