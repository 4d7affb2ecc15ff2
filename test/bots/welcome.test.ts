import { afterEach, describe, expect, it } from 'vitest';
import { createTestRuntime, type TestRuntime } from 'botyard/testing';
import welcome from '../../bots/welcome.ts';

describe('welcome bot', () => {
  let t: TestRuntime;
  afterEach(() => t?.stop());

  it('greets a new member with a mention and the rules attached', async () => {
    t = await createTestRuntime({ bots: [welcome], config: { bots: { welcome: { rulesUrl: 'https://example.org/rules.pdf' } } } });
    await t.user('ann', 'Ann').join('general');

    const [greeting, ...rest] = t.botMessages('general');
    expect(rest).toHaveLength(0);
    expect(greeting?.text).toBe('Welcome, @Ann! Please have a look at the house rules.');
    expect(greeting?.mentions).toEqual([{ id: 'ann', name: 'Ann' }]);
    expect(greeting?.attachments).toEqual([{ type: 'file', url: 'https://example.org/rules.pdf', title: 'House rules' }]);
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
