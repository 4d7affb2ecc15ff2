/** The runtime's `ingested` event says why ingest did not accept an event (the console shows it). */
import { afterEach, describe, expect, it } from 'vitest';
import { createTestRuntime, type TestRuntime } from 'botyard/testing';
import { defineBot } from 'botyard';
import type { InboundEvent } from '../../src/adapters/adapter.ts';

const echo = defineBot({ name: 'echo', setup: (bot) => void bot.onMessage((ctx) => ctx.send(`echo: ${ctx.message!.text}`)) });

describe('ingested reasons', () => {
  let t: TestRuntime;
  afterEach(() => t?.stop());

  it("the bot's own message is ignored as own-message; a redelivery is a duplicate, already-accepted", async () => {
    t = await createTestRuntime({ bots: [echo] });
    const seen: Array<{ type: string; sender: string; outcome: string; reason?: string }> = [];
    t.runtime.events.on('ingested', (e, outcome, reason) => seen.push({ type: e.type, sender: e.sender.id, outcome, ...(reason ? { reason } : {}) }));
    await t.user('ann').say('c', 'hello');
    expect(seen).toContainEqual({ type: 'message.new', sender: 'ann', outcome: 'accepted' });
    const me = t.runtime.adapterFor('local')!.botUser!;
    const event = (id: string, sender: string, type = 'message.new'): InboundEvent => ({
      id, type, platform: 'local', conversation: { platform: 'local', id: 'c' }, sender: { id: sender }, message: { id: `m-${id}`, text: 'x' } as never, occurredAt: new Date().toISOString(), raw: {},
    });
    // A platform echoing the bot's own message or reaction back (Stream's webhooks do).
    expect(await t.runtime.ingest(event('own-1', me.id))).toBe('ignored');
    expect(seen.at(-1)).toEqual({ type: 'message.new', sender: me.id, outcome: 'ignored', reason: 'own-message' });
    expect(await t.runtime.ingest(event('own-2', me.id, 'reaction.new'))).toBe('ignored');
    expect(seen.at(-1)).toMatchObject({ outcome: 'ignored', reason: 'own-reaction' });

    const again = event('redelivered-1', 'ann');
    expect(await t.runtime.ingest(again)).toBe('accepted');
    expect(await t.runtime.ingest(again)).toBe('duplicate');
    expect(seen.at(-1)).toEqual({ type: 'message.new', sender: 'ann', outcome: 'duplicate', reason: 'already-accepted' });
  });
});
