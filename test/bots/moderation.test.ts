import { afterEach, describe, expect, it } from 'vitest';
import { createTestRuntime, type TestRuntime } from 'botyard/testing';
import moderation from '../../bots/moderation.ts';

describe('moderation bot', () => {
  let t: TestRuntime;
  afterEach(() => t?.stop());

  it('deletes a message with a blocked word and warns the sender with a mention', async () => {
    t = await createTestRuntime({ bots: [moderation], config: { bots: { moderation: { blockedWords: ['durian'], strikesBeforeBan: 3 } } } });
    const eve = t.user('eve', 'Eve');
    const bad = await eve.say('general', 'who wants DURIAN cake?');
    const fine = await eve.say('general', 'who wants apple cake?');

    const messages = t.conversation('general').messages;
    expect(messages.find((m) => m.id === bad.id)?.deleted).toBe(true);
    expect(messages.find((m) => m.id === fine.id)?.deleted).toBeUndefined();
    const [warning, ...rest] = t.botMessages('general');
    expect(rest).toHaveLength(0);
    expect(warning?.text).toBe('@Eve, "DURIAN" is not allowed here. Warning 1 of 2.');
    expect(warning?.mentions.map((m) => m.id)).toEqual(['eve']);
  });

  it('bans on the Nth strike, counting per user and conversation', async () => {
    t = await createTestRuntime({ bots: [moderation], config: { bots: { moderation: { blockedWords: ['spam'], strikesBeforeBan: 2 } } } });
    const eve = t.user('eve', 'Eve');
    await eve.say('general', 'spam one');
    await eve.say('random', 'spam elsewhere');
    expect(t.conversation('general').bans).toEqual([]);
    await eve.say('general', 'spam two');

    expect(t.conversation('general').bans).toEqual([{ userId: 'eve', reason: 'used a blocked word 2 times' }]);
    expect(t.conversation('random').bans).toEqual([]);
    expect(t.botMessages('general').at(-1)?.text).toBe('@Eve has been removed after 2 warnings.');
  });

  it('matches whole words only', async () => {
    t = await createTestRuntime({ bots: [moderation], config: { bots: { moderation: { blockedWords: ['scam'] } } } });
    await t.user('al', 'Al').say('general', 'I like scampi');
    expect(t.botMessages('general')).toEqual([]);
  });

  it("where the platform cannot delete other users' messages (ACS), it still warns", async () => {
    t = await createTestRuntime({ bots: [moderation] });
    (t.runtime.adapterFor('local')!.capabilities as Set<string>).delete('moderation');
    const bad = await t.user('eve', 'Eve').say('general', 'spam!');
    expect(t.conversation('general').messages.find((m) => m.id === bad.id)?.deleted).toBeUndefined();
    expect(t.botMessages('general').map((m) => m.text)).toEqual(['@Eve, "spam" is not allowed here. Warning 1 of 2.']);
    expect(t.runs.every((r) => !r.error)).toBe(true);
  });
});
