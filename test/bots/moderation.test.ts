import { afterEach, describe, expect, it } from 'vitest';
import { createTestRuntime, type TestRuntime } from 'botyard/testing';
import moderation from '../../bots/moderation.ts';

/** Takes capabilities away from the local platform, to play one that lacks them. */
function without(t: TestRuntime, ...capabilities: string[]) {
  const caps = t.runtime.adapterFor('local')!.capabilities as Set<string>;
  for (const c of capabilities) caps.delete(c);
}

describe('moderation bot', () => {
  let t: TestRuntime;
  afterEach(() => t?.stop());

  it('rejects a blocked word before anyone sees it and tells the sender why, counting strikes', async () => {
    t = await createTestRuntime({ bots: [moderation], config: { bots: { moderation: { blockedWords: ['durian'], strikesBeforeBan: 3 } } } });
    const eve = t.user('eve', 'Eve');
    const bad = await eve.say('general', 'who wants DURIAN cake?');
    const again = await eve.say('general', 'durian, durian!');
    const fine = await eve.say('general', 'who wants apple cake?');

    expect(bad.rejected).toEqual({ by: 'moderation', reason: 'blocked word "DURIAN"', notice: '"DURIAN" is not allowed here. Strike 1 of 3.' });
    expect(again.rejected?.notice).toBe('"durian" is not allowed here. Strike 2 of 3.');
    expect(fine.rejected).toBeUndefined();
    const general = t.conversation('general');
    expect(general.messages.map((m) => m.text)).toEqual(['who wants apple cake?']);
    expect(general.rejected.map((m) => m.text)).toEqual(['who wants DURIAN cake?', 'durian, durian!']);
    // Nobody was warned in public: the sender alone saw the notice.
    expect(t.botMessages('general')).toEqual([]);
    expect(t.events.filter((e) => e.type === 'message.rejected')).toHaveLength(2);
    expect(t.runs.every((r) => !r.error)).toBe(true);
  });

  it('the Nth strike bans for banMinutes, per user and conversation; the banned user can no longer post', async () => {
    t = await createTestRuntime({ bots: [moderation], config: { bots: { moderation: { blockedWords: ['spam'], strikesBeforeBan: 2, banMinutes: 30 } } } });
    const eve = t.user('eve', 'Eve');
    await eve.say('general', 'spam one');
    await eve.say('random', 'spam elsewhere');
    expect(t.conversation('general').bans).toEqual([]);
    const before = Date.now();
    const last = await eve.say('general', 'spam two');

    expect(last.rejected?.notice).toBe('"spam" is not allowed here. That was strike 2: you are banned here for 30 minutes.');
    const [ban, ...others] = t.conversation('general').bans;
    expect(others).toEqual([]);
    expect(ban).toMatchObject({ userId: 'eve', reason: 'used blocked words 2 times' });
    const minutes = (Date.parse(ban!.expiresAt!) - before) / 60_000;
    expect(minutes).toBeGreaterThan(29);
    expect(minutes).toBeLessThanOrEqual(30.5);
    expect(t.conversation('random').bans).toEqual([]);
    expect(t.events.find((e) => e.type === 'user.banned')).toMatchObject({ member: { id: 'eve' }, moderation: { reason: 'used blocked words 2 times', shadow: false, global: false } });
    await expect(eve.say('general', 'hello?')).rejects.toThrow(/eve is banned/);
  });

  it('matches whole words only', async () => {
    t = await createTestRuntime({ bots: [moderation], config: { bots: { moderation: { blockedWords: ['scam'] } } } });
    const msg = await t.user('al', 'Al').say('general', 'I like scampi');
    expect(msg.rejected).toBeUndefined();
    expect(t.conversation('general').messages.map((m) => m.text)).toEqual(['I like scampi']);
  });

  it('on ACS (no hook, no deleting others\' messages, no timed bans): warns, then removes after N strikes', async () => {
    t = await createTestRuntime({ bots: [moderation], config: { bots: { moderation: { strikesBeforeBan: 2 } } } });
    without(t, 'preSend', 'moderation', 'unban');
    const eve = t.user('eve', 'Eve');
    const bad = await eve.say('general', 'spam!');
    await eve.say('general', 'more spam');

    expect(t.conversation('general').messages.find((m) => m.id === bad.id)?.deleted).toBeUndefined();
    expect(t.botMessages('general').map((m) => m.text)).toEqual(['@Eve, "spam" is not allowed here. Warning 1 of 1.', '@Eve has been removed after 2 warnings.']);
    expect(t.conversation('general').bans).toEqual([{ userId: 'eve', reason: 'used a blocked word 2 times' }]);
    expect(t.runs.every((r) => !r.error)).toBe(true);
  });

  it('on Stream without the hook in front, it still deletes, warns and bans for a while', async () => {
    t = await createTestRuntime({ bots: [moderation], config: { bots: { moderation: { strikesBeforeBan: 2, banMinutes: 10 } } } });
    without(t, 'preSend');
    const eve = t.user('eve', 'Eve');
    const bad = await eve.say('general', 'buy spam');
    await eve.say('general', 'spam again');

    expect(t.conversation('general').messages.find((m) => m.id === bad.id)?.deleted).toBe(true);
    expect(t.conversation('general').bans).toEqual([{ userId: 'eve', reason: 'used a blocked word 2 times', expiresAt: expect.any(String) }]);
    expect(t.botMessages('general').map((m) => m.text)).toEqual(['@Eve, "spam" is not allowed here. Warning 1 of 1.', '@Eve has been removed after 2 warnings.']);
  });
});
