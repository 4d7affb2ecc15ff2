/** The reminders bot's time parsing and wording, across zones and daylight-saving changes. */
import { describe, expect, it } from 'vitest';
import { parseDue } from '../../bots/reminders/when.ts';
import { durationInWords, whenInWords } from '../../bots/reminders/words.ts';
import { instantOf } from '../../bots/reminders/zone.ts';

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

describe('reminders: when', () => {
  const now = Date.UTC(2026, 2, 28, 20, 0); // Saturday 28 March 2026, 21:00 in Berlin; clocks go forward that night

  it('reads delays in short and long units', () => {
    expect(parseDue('in 10m tea', now, 'UTC')).toEqual({ dueAt: now + 600_000, text: 'tea', kind: 'in' });
    expect(parseDue('in 1h 30m  walk the dog ', now, 'UTC')?.dueAt).toBe(now + 5_400_000);
    expect(parseDue('in 2 hours 5 minutes x', now, 'UTC')?.dueAt).toBe(now + 7_500_000);
    expect(parseDue('in 10m', now, 'UTC')).toBeUndefined();
    expect(parseDue('in 400d too far', now, 'UTC')).toBeUndefined();
  });

  it('reads clock times in the zone, across the night the clocks change', () => {
    // 09:00 on Sunday is CEST (UTC+2): 07:00 UTC, though it is still CET (UTC+1) when asked.
    expect(iso(parseDue('tomorrow 09:00 x', now, 'Europe/Berlin')?.dueAt)).toBe('2026-03-29T07:00:00.000Z');
    expect(iso(parseDue('at 9pm x', now, 'Europe/Berlin')?.dueAt)).toBe('2026-03-29T19:00:00.000Z'); // 21:00 has begun: tomorrow
    expect(iso(parseDue('at 23:15 x', now, 'Europe/Berlin')?.dueAt)).toBe('2026-03-28T22:15:00.000Z');
    expect(iso(parseDue('tomorrow at 12am x', now, 'America/New_York')?.dueAt)).toBe('2026-03-29T04:00:00.000Z');
    expect(parseDue('at 24:00 x', now, 'UTC')).toBeUndefined();
    expect(parseDue('at 13pm x', now, 'UTC')).toBeUndefined();
  });

  it('a time the clocks skip is the same time after the jump; a time that happens twice is the first', () => {
    expect(iso(instantOf({ year: 2026, month: 3, day: 29, hour: 2, minute: 30 }, 'Europe/Berlin'))).toBe('2026-03-29T01:30:00.000Z'); // 03:30 CEST
    expect(iso(instantOf({ year: 2026, month: 10, day: 25, hour: 2, minute: 30 }, 'Europe/Berlin'))).toBe('2026-10-25T00:30:00.000Z'); // the CEST one
  });

  it('says times in words', () => {
    expect(durationInWords(5_400_000)).toBe('1 hour 30 minutes');
    expect(durationInWords(90_061_000)).toBe('1 day 1 hour');
    expect(whenInWords(now + 600_000, now, 'Europe/Berlin', 'in')).toBe('in 10 minutes, today at 21:10 (Europe/Berlin)');
    expect(whenInWords(Date.UTC(2026, 3, 2, 7, 0), now, 'Europe/Berlin', 'at')).toBe('on Thursday 2 April at 09:00 (Europe/Berlin)');
  });
});
