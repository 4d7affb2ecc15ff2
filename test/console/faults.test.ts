/**
 * The fault panel in chromium on the dev stack with the console fixture bots: rules go to the
 * emulators' admin routes and do what production does (a 429 the sender sees, a webhook delivered
 * twice that the runtime answers as a duplicate, ACS listings failing while the poller carries on);
 * a bad rule is refused beside the form; "clear all faults" clears them.
 */
import { beforeAll, expect, it } from 'vitest';
import { describeBrowser, screenshot } from './browser.ts';
import { consoleSuite, open, post, SCENARIO_MS, WAIT, type ConsolePage } from './page.ts';

describeBrowser('console fault panel in chromium', () => {
  const suite = consoleSuite('console faults');
  let c: ConsolePage;
  beforeAll(() => void (c = suite.c));
  const panel = () => c.page.locator('#faults-panel');
  const inject = async (spec: string) => {
    await panel().locator('input[name=spec]').fill(spec);
    await panel().locator('#fault-form button[type=submit]').click();
  };
  const noFaults = () => panel().locator('#faults li.empty', { hasText: 'No faults set.' }).waitFor(WAIT);

  it('a bad rule is refused beside the form; a 429 on sends reaches the sender, then wears off', async () => {
    const { page } = c;
    await noFaults();
    await inject('stream:send:418');
    await panel().locator('#fault-form > .form-error', { hasText: /418/ }).waitFor(WAIT);
    await inject('stream:send:429x1');
    await panel().locator('#faults li.fault[data-platform="stream"]').first().waitFor(WAIT);
    expect(await panel().locator('#fault-form > .form-error').isHidden()).toBe(true);
    await screenshot(page, 'faults-set');

    await page.locator('#text').fill('are you there?');
    await page.locator('#composer button[type=submit]').click();
    await page.locator('#composer > .form-error', { hasText: /Too many requests/ }).waitFor(WAIT);
    // The text stays, so sending again is one click; the fault was used up.
    expect(await page.locator('#text').inputValue()).toBe('are you there?');
    await page.locator('#composer button[type=submit]').click();
    await page.locator('#messages li.message', { hasText: 'are you there?' }).waitFor(WAIT);
    await noFaults();
  }, SCENARIO_MS);

  it('a webhook delivered twice is handled once: the inspector counts the redelivery', async () => {
    const { page } = c;
    await panel().locator('#fault-presets button.preset[data-spec="stream:webhook:dupx3"]').click();
    await panel().locator('#faults li.fault', { hasText: 'webhook' }).first().waitFor(WAIT);
    const mine = await post(page, '@Botyard twice?');
    await mine.locator('.replies li.message.bot', { hasText: 'hello from witness' }).waitFor(WAIT);
    const line = page.locator('#events li.event[data-type="message.new"]', { hasText: '@Botyard twice?' });
    await line.locator('.outcome.redelivered', { hasText: /^delivered again ×\d+$/ }).waitFor(WAIT);
    expect(await line.locator('li.run.ok', { hasText: 'witness/onMention' }).count()).toBe(1);
    expect(await mine.locator('.replies li.message.bot', { hasText: 'hello from witness' }).count()).toBe(1);
    await screenshot(page, 'faults-webhook-twice');
    await panel().locator('#clear-faults').click();
    await noFaults();
  }, SCENARIO_MS);

  it('ACS listings failing: the poller retries and the message still arrives', async () => {
    const { page } = c;
    const key = (await page.locator('#conversations li.conversation[data-key^="acs:"]').first().getAttribute('data-key'))!;
    await open(page, key);
    await panel().locator('#fault-presets button.preset[data-spec="acs:list:503x3"]').click();
    await panel().locator('#faults li.fault[data-platform="acs"]').first().waitFor(WAIT);
    const mine = await post(page, '@Botyard through the storm');
    await mine.locator('.replies li.message.bot', { hasText: 'hello from witness' }).waitFor(WAIT);
    await page.locator('#events li.event[data-type="message.new"][data-platform="acs"]', { hasText: 'through the storm' }).locator('li.run.ok').first().waitFor(WAIT);
    await noFaults();
    expect(c.errors).toEqual([]);
  }, SCENARIO_MS);
});
