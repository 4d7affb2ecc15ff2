/**
 * The ACS adapter's participant count (typing and read receipts stop above 20), through the real SDK
 * against the emulator: one page read, kept, and read again after someone joins.
 */
import { expect, it } from 'vitest';
import { adapterOnEmulator } from './helpers.ts';

const world = adapterOnEmulator();

it('counts participants up to "more than 20", and recounts once a member.added event for the thread came in', async () => {
  const { emulator, h } = world;
  const owner = emulator.admin.createUser('Owner');
  const others = Array.from({ length: 19 }, (_, i) => ({ id: emulator.admin.createUser(`P${i}`).id }));
  const threadId = emulator.admin.createThread(owner.id, { topic: 'big', participants: [{ id: h.adapter.botUser.id }, ...others] });
  const conversation = { platform: 'acs' as const, id: threadId };
  expect(await h.adapter.participantCount!(conversation)).toBe(21);

  const small = emulator.admin.createThread(owner.id, { topic: 'small', participants: [{ id: h.adapter.botUser.id }] });
  const smallRef = { platform: 'acs' as const, id: small };
  await h.adapter.pollOnce(); // the poller's baseline: it now reports what happens in this thread
  expect(await h.adapter.participantCount!(smallRef)).toBe(2);
  emulator.admin.addParticipants(small, owner.id, [{ id: emulator.admin.createUser('Extra').id }]);
  expect(await h.adapter.participantCount!(smallRef)).toBe(2); // kept: nothing told the bot yet
  await h.adapter.pollOnce(); // the participantAdded system message arrives as member.added
  expect(h.events.some((e) => e.type === 'member.added' && e.conversation.id === small)).toBe(true);
  expect(await h.adapter.participantCount!(smallRef)).toBe(3);
});
