/**
 * Stream's X-RateLimit-* headers reach outbound through the adapter (the real stream-chat client
 * against the emulator, which sends them on every answer), each under the call kind it counts against.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RateLimitReport } from '../../../src/adapters/adapter.ts';
import { kindOf } from '../../../src/adapters/stream/rate-limit-headers.ts';
import { startHarness, type Harness } from './helpers.ts';

let h: Harness;
beforeAll(async () => void (h = await startHarness()));
afterAll(async () => h?.close());

it('reports limit, remaining and reset of each verb under its kind, and nothing for calls outbound does not pace', async () => {
  const reports: RateLimitReport[] = [];
  h.adapter.onRateLimit!((r) => void reports.push(r));
  const cid = 'messaging:limits';
  await h.adapter.client.upsertUser({ id: 'kim' });
  await h.adapter.client.channel('messaging', 'limits', { created_by_id: 'kim', members: ['kim', 'helper-bot'] } as never).create();
  reports.length = 0;
  const conversation = { platform: 'stream' as const, id: cid };
  const sent = await h.adapter.send(conversation, { text: 'hi' });
  await h.adapter.markRead!(conversation, sent.id);
  await h.adapter.typing!(conversation);
  await h.adapter.editMessage!(conversation, sent.id, { text: 'hi again' });
  await h.adapter.react!(conversation, sent.id, 'like');
  await h.adapter.deleteMessage!(conversation, sent.id);
  expect(reports.map((r) => r.kind)).toEqual(['send', 'markRead', 'typing', 'edit', 'react', 'delete']);
  const send = reports[0]!;
  expect(send.limit).toBe(1000);
  expect(send.remaining).toBeLessThan(1000);
  expect(send.resetAtMs! % 1000).toBe(0);
  expect(send.resetAtMs!).toBeGreaterThan(Date.now() - 1000);
  expect(reports.find((r) => r.kind === 'markRead')?.limit).toBe(10_000);
});

it('maps the endpoints botyard calls to their kinds', () => {
  expect(kindOf('post', 'http://x/channels/messaging/general/message?api_key=k')).toBe('send');
  expect(kindOf('post', 'http://x/channels/messaging/general')).toBe('members');
  expect(kindOf('patch', 'http://x/channels/messaging/general')).toBe('topic');
  expect(kindOf('post', 'http://x/channels/messaging/general/query')).toBeUndefined();
  expect(kindOf('post', 'http://x/moderation/ban')).toBe('ban');
  expect(kindOf('get', 'http://x/app')).toBeUndefined();
});
