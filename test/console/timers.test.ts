/**
 * Pending one-off timers in the console, in chromium on the dev stack with the console fixture bots:
 * a timer a bot scheduled is listed beside the schedules with its due time, conversation and payload;
 * "Fire now" runs it at once (the bot posts), "Cancel" removes it for good.
 */
import { beforeAll, expect, it } from 'vitest';
import { describeBrowser, screenshot } from './browser.ts';
import { botSays, consoleSuite, post, SCENARIO_MS, WAIT, type ConsolePage } from './page.ts';

describeBrowser('console timers in chromium', () => {
  const suite = consoleSuite('console timers');
  let c: ConsolePage;
  beforeAll(() => void (c = suite.c));
  const timer = (text: string) => c.page.locator('#timers li.timer', { hasText: text });

  it('a pending timer is listed with its due time; Fire now runs it once, Cancel removes one', async () => {
    const { page } = c;
    await post(page, '/later water the plants');
    await post(page, '/later call mum');
    const plants = timer('water the plants');
    await plants.locator('.next', { hasText: /^due: .*\(in \d+ min\)$/ }).waitFor(WAIT);
    expect(await plants.locator('strong').textContent()).toBe('alarm/alarm');
    expect(await plants.locator('.target').textContent()).toContain('→ general');
    await screenshot(page, 'timers-pending');

    await plants.locator('button.fire').click();
    await botSays(page, 'alarm: water the plants');
    await plants.waitFor({ ...WAIT, state: 'detached' });
    await page.locator('#events li.event[data-type="timer.fired"] li.run.ok', { hasText: 'alarm/' }).first().waitFor(WAIT);

    const mum = timer('call mum');
    await mum.locator('button.cancel').click();
    await mum.waitFor({ ...WAIT, state: 'detached' });
    await page.locator('#timers li.empty', { hasText: 'No pending timers.' }).waitFor(WAIT);
    const left = (await (await fetch(`${suite.stack.url}/console/api/timers`)).json()) as unknown[];
    expect(left).toEqual([]);
    // Fired once: the plants alarm is in the chat one time.
    expect(await page.locator('#messages li.message.bot', { hasText: 'alarm: water the plants' }).count()).toBe(1);
    expect(await page.locator('#messages li.message.bot', { hasText: 'alarm: call mum' }).count()).toBe(0);
    await screenshot(page, 'timers-fired-cancelled');
    expect(c.errors).toEqual([]);
  }, SCENARIO_MS);
});
