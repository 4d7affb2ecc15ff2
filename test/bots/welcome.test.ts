import { afterEach, describe, expect, it } from 'vitest';
import { createTestRuntime, type TestRuntime } from 'botyard/testing';
import welcome from '../../bots/welcome.ts';

describe('welcome bot', () => {
  let t: TestRuntime;
  afterEach(() => t?.stop());

  it('greets a new member silently, with a mention and the rules attached, and pins the rules once per conversation', async () => {
    t = await createTestRuntime({ bots: [welcome], config: { bots: { welcome: { rulesUrl: 'https://example.org/rules.pdf' } } } });
    await t.user('ann', 'Ann').join('general');
    await t.user('bob', 'Bob').join('general');
    await t.user('cy', 'Cy').join('random');

    const rules = { type: 'file', url: 'https://example.org/rules.pdf', title: 'House rules' };
    const [pinned, greeting, second] = t.botMessages('general');
    expect(pinned).toMatchObject({ text: 'House rules', attachments: [rules], pinned: true, silent: true });
    expect(greeting).toMatchObject({ text: 'Welcome, @Ann! Please have a look at the house rules.', attachments: [rules], silent: true });
    expect(greeting?.mentions).toEqual([{ id: 'ann', name: 'Ann' }]);
    expect(greeting?.pinned).toBeUndefined();
    expect(second?.text).toBe('Welcome, @Bob! Please have a look at the house rules.');
    expect(t.botMessages('general').filter((m) => m.pinned)).toHaveLength(1);
    expect(t.botMessages('random').map((m) => m.text)).toEqual(['House rules', 'Welcome, @Cy! Please have a look at the house rules.']);
  });

  it('where it cannot pin or send silently (ACS), it just greets', async () => {
    t = await createTestRuntime({ bots: [welcome] });
    const caps = t.runtime.adapterFor('local')!.capabilities as Set<string>;
    caps.delete('pin');
    caps.delete('silent');
    await t.user('ann', 'Ann').join('general');
    const messages = t.botMessages('general');
    expect(messages.map((m) => m.text)).toEqual(['Welcome, @Ann! Please have a look at the house rules.']);
    expect(messages[0]?.silent).toBeUndefined();
    expect(t.runs.every((r) => !r.error)).toBe(true);
  });

  it('says nothing when someone leaves or talks', async () => {
    t = await createTestRuntime({ bots: [welcome] });
    const bob = t.user('bob', 'Bob');
    await bob.say('general', 'hi all');
    await bob.leave('general');
    expect(t.botMessages('general')).toEqual([]);
  });

  it('rejects a config that is not a URL, naming the key', async () => {
    await expect(createTestRuntime({ bots: [welcome], config: { bots: { welcome: { rulesUrl: 'not a url' } } } })).rejects.toThrow(/bots\.welcome\.rulesUrl/);
  });
});
