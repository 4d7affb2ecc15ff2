/**
 * eventJsonParts and eventJsonText (src/queue/event-json.ts): what the Redis queue (its pieces written back to back) and
 * the SQLite queue (one string) store parses back to the same event, whether
 * `raw` is serialized or written from the text the adapter parsed it from.
 */
import { expect, it } from 'vitest';
import { rememberRawJson } from '../../src/adapters/raw-json.ts';
import { normalize } from '../../src/adapters/stream/normalize.ts';
import type { InboundEvent } from '../../src/adapters/adapter.ts';
import { eventJsonParts, eventJsonText } from '../../src/queue/event-json.ts';
import { makeEvent } from './queue.contract.ts';

/** The pieces joined, as the queue's encoder writes them into its command (redis-resp.ts). */
const eventJson = (event: InboundEvent): Buffer =>
  Buffer.concat(eventJsonParts(event).map((piece) => (typeof piece === 'string' ? Buffer.from(piece) : Buffer.isBuffer(piece) ? piece : Buffer.from(piece.text).subarray(0, piece.bytes))));

const body = Buffer.from(JSON.stringify({
  type: 'message.new',
  cid: 'messaging:general',
  message: { id: 'm1', text: 'héllo … 👋', user: { id: 'kim' } },
  user: { id: 'kim' },
  created_at: '2026-11-30T12:00:00Z',
}, null, 1));

it('writes raw from the remembered text, and the whole parses back to the event', () => {
  const payload = JSON.parse(body.toString('utf8'));
  rememberRawJson(payload, body);
  const event = { ...normalize(payload, { botId: 'bot', webhookId: 'wh-1', body }), trace: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', acceptedAt: 1 } };
  const bytes = eventJson(event);
  expect(bytes.includes(body)).toBe(true); // written as received, not serialized again
  expect(JSON.parse(bytes.toString('utf8'))).toEqual(JSON.parse(JSON.stringify(event)));
});

it('serializes an event whose raw has no remembered text, and refuses one JSON cannot encode', () => {
  const event = makeEvent('plain', 1);
  expect(JSON.parse(eventJson(event).toString('utf8'))).toEqual(JSON.parse(JSON.stringify(event)));
  expect(() => eventJson({ ...event, raw: { big: 1n } })).toThrow();
});

it('as one string (SQLite): raw decoded from the remembered text, the whole parsing back to the event', () => {
  const payload = JSON.parse(body.toString('utf8'));
  rememberRawJson(payload, body);
  const event = normalize(payload, { botId: 'bot', webhookId: 'wh-2', body });
  const text = eventJsonText(event);
  expect(text.includes(body.toString('utf8'))).toBe(true); // the text as received, spacing and all
  expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(event)));
  const plain = makeEvent('plain', 2);
  expect(JSON.parse(eventJsonText(plain))).toEqual(JSON.parse(JSON.stringify(plain)));
  expect(() => eventJsonText({ ...plain, raw: { big: 1n } })).toThrow();
});
