/**
 * The ACS takeover edge the process-level test cannot time exactly: an instance dies holding the
 * lease of a thread whose new message it never handed on. The other instance skipped that thread
 * (not its lease) while handling later threads; the shared listing watermark must not move past the
 * skipped thread, or once the lease lapses the thread is never listed again and its message is lost.
 * Two adapters on one store, driven cycle by cycle.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startAcsEmulator, type AcsEmulator } from '../../src/emulator/acs/index.ts';
import { createMemoryStore } from '../../src/state/memory.ts';
import { startAdapter, texts, type Harness } from '../adapters/acs/helpers.ts';
import { delay } from '../helpers/wait.ts';

let emulator: AcsEmulator;
const running: Harness[] = [];
beforeAll(async () => {
  // Millisecond listings: with the service's whole seconds, A's failing cycle also re-reads t2 (its
  // creation second still open) and so leases it, and B never gets the skip-t1-handle-t2 cycle this is about.
  emulator = await startAcsEmulator({ settings: { lastMessageReceivedOnPrecision: 'milliseconds' } });
});
afterAll(async () => {
  await Promise.all(running.map((h) => h.adapter.stop()));
  await emulator.close();
});

it('a thread whose lease holder died before handling its message is taken over, not dropped from the listing', async () => {
  const store = createMemoryStore();
  const poll = { leaseTtlMs: 600, overlapMs: 100 };
  const a = await startAdapter(emulator, { store, poll });
  const b = await startAdapter(emulator, { store, poll, botUserId: a.adapter.botUser.id });
  running.push(a, b);
  await a.adapter.pollOnce();
  await b.adapter.pollOnce();
  const user = emulator.admin.createUser('Una').id;
  const room = (topic: string) => emulator.admin.createThread(user, { topic, participants: [{ id: a.adapter.botUser.id, displayName: 'Botty' }] });
  const t1 = room('first');
  const t2 = room('second');
  await a.adapter.pollOnce(); // both threads' creation events, handled (and leased) by A
  await delay(650); // A’s leases lapse: nobody owns the threads now

  // A takes t1's new message and "dies" before handing it on: its sink refuses, its lease stays.
  emulator.admin.sendMessage(t1, user, 'lost?');
  a.failWhen = (e) => e.type === 'message.new';
  await a.adapter.pollOnce();
  // Later activity elsewhere, well past the overlap window, handled by B; B skips t1 (A's lease).
  await delay(150);
  emulator.admin.sendMessage(t2, user, 'later');
  await b.adapter.pollOnce();
  expect(texts(b.events)).toEqual(['later']);
  // The shared watermark stayed below t1's unhandled activity (handling t2 alone would have moved it past).
  const since = (await store.get<{ threadsSince: number }>(`acs:poller:${a.adapter.botUser.id}`))!.threadsSince;
  expect(since).toBeLessThan(Date.parse(emulator.state.thread(t1)!.lastMessageReceivedOn!));
  expect(Date.parse(emulator.state.thread(t2)!.lastMessageReceivedOn!) - 100).toBeGreaterThan(Date.parse(emulator.state.thread(t1)!.lastMessageReceivedOn!));

  await delay(650); // A is gone: its lease on t1 lapses
  await b.adapter.pollOnce();
  expect(texts(b.events)).toEqual(['later', 'lost?']);
});
