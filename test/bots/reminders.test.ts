import { afterEach, describe, expect, it } from 'vitest';
import { createTestRuntime, type TestRuntime } from 'botyard/testing';
import reminders from '../../bots/reminders/index.ts';

/** Monday 5 January 2026, 08:00 UTC (09:00 in Berlin). */
const MONDAY_8_UTC = Date.UTC(2026, 0, 5, 8, 0);

describe('reminders bot', () => {
  let t: TestRuntime;
  afterEach(() => t?.stop());
  const texts = (conversation: string) => t.botMessages(conversation).map((m) => m.text);

  it('/remind in 10m: confirms in words, in the thread, then posts the reminder once at its time', async () => {
    t = await createTestRuntime({ bots: [reminders], now: MONDAY_8_UTC });
    const ask = await t.user('lu', 'Lu').say('team', '/remind in 10m stretch your legs');
    const [confirmation] = t.botMessages('team');
    expect(confirmation?.text).toBe('OK @Lu, I will remind you in 10 minutes, today at 08:10 (UTC).');
    expect(confirmation?.parentId).toBe(ask.id);

    await t.clock.advance('9m59s');
    expect(t.botMessages('team')).toHaveLength(1);
    await t.clock.advance('1s');
    await t.clock.advance('1h');
    const sent = t.botMessages('team').slice(1);
    expect(sent.map((m) => m.text)).toEqual(['@Lu reminder: stretch your legs']);
    expect(sent[0]?.mentions.map((m) => m.id)).toEqual(['lu']);
    expect(sent[0]?.createdAt).toBe(new Date(MONDAY_8_UTC + 600_000).toISOString());
  });

  it('/remind at 09:00 is today, or tomorrow once 09:00 has passed; the confirmation names the zone', async () => {
    t = await createTestRuntime({ bots: [reminders], now: MONDAY_8_UTC });
    await t.user('lu', 'Lu').say('team', '/remind at 09:00 standup');
    await t.user('lu', 'Lu').say('team', '/remind at 7:30am coffee');
    expect(texts('team')).toEqual([
      'OK @Lu, I will remind you today at 09:00 (UTC). Set your own zone with /remind timezone <Area/City>.',
      'OK @Lu, I will remind you tomorrow at 07:30 (UTC). Set your own zone with /remind timezone <Area/City>.',
    ]);
    await t.clock.advance('1h');
    expect(texts('team').at(-1)).toBe('@Lu reminder: standup');
    await t.clock.advance('22h30m');
    expect(texts('team').at(-1)).toBe('@Lu reminder: coffee');
  });

  it('/remind tomorrow 09:00 in the user\'s own zone, else the bot\'s configured zone', async () => {
    t = await createTestRuntime({ bots: [reminders], now: MONDAY_8_UTC, config: { bots: { reminders: { timezone: 'America/New_York' } } } });
    await t.user('ny').say('a', '/remind tomorrow 09:00 from the bot zone');
    await t.user('kim', 'Kim').say('b', '/remind timezone Europe/Berlin');
    await t.user('kim', 'Kim').say('b', '/remind tomorrow at 09:00 from my zone');
    await t.user('kim', 'Kim').say('b', '/remind timezone Mars/Olympus');
    await t.user('kim', 'Kim').say('b', '/remind timezone');
    expect(texts('a')).toEqual(['OK @ny, I will remind you tomorrow at 09:00 (America/New_York). Set your own zone with /remind timezone <Area/City>.']);
    expect(texts('b')).toEqual([
      'OK @Kim, your clock times are now in Europe/Berlin.',
      'OK @Kim, I will remind you tomorrow at 09:00 (Europe/Berlin).',
      "'Mars/Olympus' is not a time zone I know. Use an IANA name such as Europe/Berlin, America/New_York or UTC.",
      'Your clock times are in Europe/Berlin. Change it with /remind timezone <Area/City>.',
    ]);
    const due = (await t.runtime.timers.listAll()).map((r) => [r.conversation?.id, r.dueAt.toISOString()]);
    // 09:00 in Berlin (UTC+1 in January) and in New York (UTC-5).
    expect(due).toEqual([
      ['b', '2026-01-06T08:00:00.000Z'],
      ['a', '2026-01-06T14:00:00.000Z'],
    ]);
  });

  it('/reminders lists the user\'s pending reminders here, numbered; /remind cancel <n> cancels one', async () => {
    t = await createTestRuntime({ bots: [reminders], now: MONDAY_8_UTC });
    const lu = t.user('lu', 'Lu');
    await lu.say('team', '/remind in 2h water plants');
    await lu.say('team', '/remind in 30m call Bo');
    await lu.say('team', '/remind tomorrow 10:00 invoices');
    await lu.say('elsewhere', '/remind in 1h not listed in team');
    await t.user('bo').say('team', '/remind in 1h not mine');
    await lu.say('team', '/reminders');
    expect(texts('team').at(-1)).toBe(
      'Your reminders here (UTC):\n1. today at 08:30: call Bo\n2. today at 10:00: water plants\n3. tomorrow at 10:00: invoices\nCancel one with /remind cancel <n>.',
    );
    await lu.say('team', '/remind cancel 2');
    expect(texts('team').at(-1)).toBe('Cancelled reminder 2: water plants');
    await lu.say('team', '/remind cancel 2');
    expect(texts('team').at(-1)).toBe('Reminder 2 is no longer pending (it went off, or was cancelled).');
    await lu.say('team', '/remind cancel 9');
    expect(texts('team').at(-1)).toBe('There is no reminder 9 to cancel here: /reminders shows their numbers.');
    await t.clock.advance('2d');
    const fired = texts('team').filter((x) => x.includes('reminder:'));
    expect(fired).toEqual(['@Lu reminder: call Bo', '@bo reminder: not mine', '@Lu reminder: invoices']);
    await lu.say('team', '/reminders');
    expect(texts('team').at(-1)).toBe('You have no pending reminders here.');
  });

  it('explains the syntax when the command is malformed', async () => {
    t = await createTestRuntime({ bots: [reminders] });
    for (const bad of ['/remind tomorrow maybe', '/remind in 10 parsecs go', '/remind at 9 go', '/remind at 25:00 go', '/remind in 10m']) await t.user('lu').say('team', bad);
    expect(new Set(texts('team'))).toEqual(new Set(['Usage: /remind in 10m <text> · /remind at 09:00 <text> · /remind tomorrow 09:00 <text> · /reminders · /remind cancel <n> · /remind timezone <Area/City>']));
    expect(await t.runtime.timers.listAll()).toEqual([]);
  });

  it('a reminder due while nothing ran is posted when the bot is back, saying it is late', async () => {
    t = await createTestRuntime({ bots: [reminders], now: MONDAY_8_UTC });
    await t.user('lu', 'Lu').say('team', '/remind in 10m tea');
    t.clock.jump('3h'); // down: nothing fires
    await t.clock.advance(0);
    expect(texts('team').at(-1)).toBe('@Lu reminder (due today at 08:10 UTC; sent late, I was offline): tea');
  });

  it('100 users ask at once in 100 conversations: after one minute, exactly 100 reminders, each in its own conversation, once', async () => {
    t = await createTestRuntime({ bots: [reminders] });
    const ids = Array.from({ length: 100 }, (_, i) => i);
    await Promise.all(ids.map((i) => t.user(`u${i}`).say(`room-${i}`, `/remind in 1m ping ${i}`)));
    expect(ids.every((i) => texts(`room-${i}`).length === 1)).toBe(true);
    expect(await t.runtime.timers.listAll()).toHaveLength(100);
    await t.clock.advance('1m');
    for (const i of ids) expect(texts(`room-${i}`).slice(1)).toEqual([`@u${i} reminder: ping ${i}`]);
    expect(await t.runtime.timers.listAll()).toEqual([]);
  });

  it('posts the weekly message to the configured conversation, in its timezone', async () => {
    t = await createTestRuntime({
      bots: [reminders],
      config: { bots: { reminders: { weeklyTarget: 'local:announcements', weeklyCron: '0 9 * * 1', timezone: 'Europe/Berlin', weeklyText: 'Weekly check-in!' } } },
    });
    const weekly = t.runtime.scheduler.list().find((s) => s.name === 'weekly');
    expect(weekly).toMatchObject({ cron: '0 9 * * 1', timezone: 'Europe/Berlin', target: 'local:announcements' });
    await t.fireSchedule('weekly');
    expect(texts('announcements')).toEqual(['Weekly check-in!']);
  });
});
