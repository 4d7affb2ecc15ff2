import { afterEach, describe, expect, it } from 'vitest';
import { createTestRuntime, type TestRuntime } from 'botyard/testing';
import reminders from '../../bots/reminders.ts';

describe('reminders bot', () => {
  let t: TestRuntime;
  afterEach(() => t?.stop());

  it('/remind in 10m: confirms, then posts the reminder once the ticker passes the due time', async () => {
    t = await createTestRuntime({ bots: [reminders] });
    const ask = await t.user('lu', 'Lu').say('team', '/remind in 10m stretch your legs');
    const [confirmation] = t.botMessages('team');
    expect(confirmation?.text).toMatch(/^OK @Lu, I will remind you at \d\d:\d\d UTC\.$/);
    expect(confirmation?.parentId).toBe(ask.id);

    const asked = Date.parse(ask.createdAt!);
    await t.fireSchedule('due-reminders', new Date(asked + 9 * 60_000));
    expect(t.botMessages('team')).toHaveLength(1);

    await t.fireSchedule('due-reminders', new Date(asked + 11 * 60_000));
    await t.fireSchedule('due-reminders', new Date(asked + 12 * 60_000));
    const sent = t.botMessages('team').slice(1);
    expect(sent.map((m) => m.text)).toEqual(['@Lu reminder: stretch your legs']);
    expect(sent[0]?.mentions.map((m) => m.id)).toEqual(['lu']);
  });

  it('explains the syntax when the command is malformed', async () => {
    t = await createTestRuntime({ bots: [reminders] });
    await t.user('lu').say('team', '/remind tomorrow maybe');
    expect(t.botMessages('team')[0]?.text).toBe('Usage: /remind in 10m <text> (units: s, m, h, d)');
  });

  it('posts the weekly message to the configured conversation, in its timezone', async () => {
    t = await createTestRuntime({
      bots: [reminders],
      config: { bots: { reminders: { weeklyTarget: 'local:announcements', weeklyCron: '0 9 * * 1', timezone: 'Europe/Berlin', weeklyText: 'Weekly check-in!' } } },
    });
    const weekly = t.runtime.scheduler.list().find((s) => s.name === 'weekly');
    expect(weekly).toMatchObject({ cron: '0 9 * * 1', timezone: 'Europe/Berlin', target: 'local:announcements' });
    await t.fireSchedule('weekly');
    expect(t.botMessages('announcements').map((m) => m.text)).toEqual(['Weekly check-in!']);
  });
});
