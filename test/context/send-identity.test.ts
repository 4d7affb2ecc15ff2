/** What keeps a send from happening twice across tries of its run (src/context/outgoing.ts sendIdentity). */
import { expect, it } from 'vitest';
import { REPEAT_LOOKBACK_MS, sendIdentity } from '../../src/context/outgoing.ts';

const at = '2026-12-01T10:00:00.000Z';
const now = Date.parse('2026-12-01T10:30:00.000Z');

it('is a client id where the platform honours one, on every try', () => {
  expect(sendIdentity('by-1', true, false, at, now)).toEqual({ id: 'by-1' });
  expect(sendIdentity('by-1', true, true, at, now)).toEqual({ id: 'by-1' });
});

it('is a send key elsewhere; a repeat also says where an earlier send can be: from the event’s time, less the clock margin', () => {
  expect(sendIdentity('by-1', false, false, at, now)).toEqual({ sendKey: 'by-1' });
  expect(sendIdentity('by-1', false, true, at, now)).toEqual({ sendKey: 'by-1', repeatSince: Date.parse(at) - REPEAT_LOOKBACK_MS });
});

it('never looks from later than now (a timer fired before its due time), nor from an unreadable time', () => {
  const future = '2026-12-01T11:00:00.000Z';
  expect(sendIdentity('by-1', false, true, future, now)).toEqual({ sendKey: 'by-1', repeatSince: now - REPEAT_LOOKBACK_MS });
  expect(sendIdentity('by-1', false, true, 'not a date', now)).toEqual({ sendKey: 'by-1', repeatSince: now - REPEAT_LOOKBACK_MS });
});
