/**
 * The event inspector and the page's frame, in chromium on the dev stack with the console fixture bots:
 * lines open to the normalized event and the raw platform payload; filters by platform, type and bot;
 * "Clear"; a schedule ticking every second stays one line; "ignored" says why. And the page itself:
 * errors show beside the form that caused them, and the layout reflows at 800 px instead of clipping.
 */
import { beforeAll, expect, it } from 'vitest';
import { describeBrowser, screenshot } from './browser.ts';
import { consoleSuite, open, post, SCENARIO_MS, WAIT, type ConsolePage } from './page.ts';

describeBrowser('console inspector and layout in chromium', () => {
  const suite = consoleSuite('console inspector');
  const stack = () => suite.stack;
  let c: ConsolePage;
  beforeAll(() => void (c = suite.c));
  const events = () => c.page.locator('#events li.event');
  const heartbeat = () => c.page.locator('#events li.event.schedule[data-id="schedule:ticker:heartbeat"]');
  const ticks = async () => Number(/^(\d+) tick/.exec((await heartbeat().locator('.summary').textContent()) ?? '')?.[1] ?? NaN);

  it('a schedule ticking every second is one line that counts its ticks; "Run now" adds one', async () => {
    const { page } = c;
    await heartbeat().locator('.summary', { hasText: /^[3-9]\d* ticks|^\d{2,} ticks/ }).waitFor(WAIT);
    expect(await page.locator('#events li.event[data-type="schedule.tick"]').count()).toBe(1);
    await heartbeat().locator('li.run.ok', { hasText: 'ticker/schedule(* * * * * *)' }).waitFor(WAIT);
    const before = await ticks();
    await page.locator('#schedules li.schedule[data-id="ticker:heartbeat"] button.run').click();
    await page.waitForFunction(
      (n) => Number(/^(\d+) tick/.exec(document.querySelector('#events li.event.schedule .summary')?.textContent ?? '')?.[1]) > n,
      before,
      WAIT,
    );
    expect(await page.locator('#events li.event[data-type="schedule.tick"]').count()).toBe(1);
    await screenshot(page, 'inspector-schedule-folded');
  }, SCENARIO_MS);

  it('an event opens to its normalized form and the raw platform payload; ignored says why', async () => {
    const { page } = c;
    await post(page, '@Botyard show me the payload');
    const line = page.locator('#events li.event[data-type="message.new"]', { hasText: 'show me the payload' }).first();
    await line.locator('li.run.ok', { hasText: 'witness/' }).first().waitFor(WAIT);
    await line.locator('details.payload > summary').click();
    await line.locator('pre.normalized', { hasText: '"type": "message.new"' }).waitFor(WAIT);
    // Stream's webhook body, as the runtime received it.
    await line.locator('pre.raw', { hasText: '"cid": "messaging:general"' }).waitFor(WAIT);
    expect(await line.locator('pre.raw').textContent()).toContain('"text": "@Botyard show me the payload"');
    // The bot's own reply came back through the webhook and was dropped, with the reason.
    const own = page.locator('#events li.event[data-type="message.new"]', { hasText: 'hello from witness' }).first();
    await own.locator('.outcome.ignored').waitFor(WAIT);
    expect(await own.locator('.reason').textContent()).toBe("why: the bot's own message: bots never handle what they sent");
    await screenshot(page, 'inspector-payload');

    // An ACS event's raw payload is the message the poller read.
    const acs = (await page.locator('#conversations li.conversation[data-key^="acs:"]').first().getAttribute('data-key'))!;
    await open(page, acs);
    await post(page, 'polled payload');
    const acsLine = page.locator('#events li.event[data-type="message.new"][data-platform="acs"]', { hasText: 'polled payload' }).first();
    await acsLine.waitFor(WAIT);
    await acsLine.locator('details.payload > summary').click();
    await acsLine.locator('pre.raw', { hasText: '"sequenceId"' }).waitFor(WAIT);
  }, SCENARIO_MS);

  it('filters by platform, type and bot; "Clear" empties it for every page', async () => {
    const { page } = c;
    const filters = page.locator('#event-filters');
    await filters.locator('select[name=platform]').selectOption('acs');
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLElement>('#events li.event')].every((li) => li.dataset.platform === 'acs'), undefined, WAIT);
    expect(await events().count()).toBeGreaterThan(0);
    await filters.locator('select[name=platform]').selectOption('');
    await filters.locator('select[name=bot]').selectOption('ticker');
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLElement>('#events li.event')].every((li) => li.dataset.type === 'schedule.tick'), undefined, WAIT);
    await filters.locator('select[name=bot]').selectOption('');
    await filters.locator('select[name=type]').selectOption('message.new');
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLElement>('#events li.event')].every((li) => li.dataset.type === 'message.new'), undefined, WAIT);
    await screenshot(page, 'inspector-filtered');
    await filters.locator('select[name=type]').selectOption('');

    const other = await c.browser.newPage();
    await other.goto(`${stack().url}/`);
    await other.locator('#events li.event[data-type="message.new"]').first().waitFor(WAIT);
    const before = await ticks();
    await page.locator('#clear-events').click();
    for (const p of [page, other]) {
      await p.locator('#events li.event[data-type="message.new"]').first().waitFor({ ...WAIT, state: 'detached' });
    }
    // Only what happens after the clear comes back: the heartbeat, counting again from one.
    await heartbeat().waitFor(WAIT);
    expect(await ticks()).toBeLessThan(before);
    await other.close();
  }, SCENARIO_MS);

  it('errors show beside the form that caused them', async () => {
    const { page } = c;
    await page.locator('#text').fill('');
    await page.locator('#composer button[type=submit]').click();
    await page.locator('#composer > .form-error', { hasText: 'text is required' }).waitFor(WAIT);
    await page.locator('#rename-open').click();
    await page.locator('#rename input[name=name]').fill('   ');
    await page.locator('#rename button[type=submit]').click();
    await page.locator('#rename > .form-error', { hasText: /needs a (topic|name)/ }).waitFor(WAIT);
    // Each error stays with its own form.
    expect(await page.locator('#composer > .form-error').textContent()).toBe('text is required');
    await screenshot(page, 'errors-beside-forms');
    await page.locator('#rename-cancel').click();
  }, SCENARIO_MS);

  it('at 800 px wide nothing is clipped: the side panels move under the chat', async () => {
    const narrow = await c.browser.newPage({ viewport: { width: 800, height: 900 } });
    await narrow.goto(`${stack().url}/`);
    await narrow.locator('#live.online').waitFor(WAIT);
    await narrow.locator('#chat-title', { hasText: 'general' }).waitFor(WAIT);
    expect(await narrow.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(800);
    for (const sel of ['#sidebar', '#chat', '#composer', '#members-panel', '#schedules-panel', '#events-panel', '#event-filters']) {
      const box = (await narrow.locator(sel).boundingBox())!;
      expect(box.x, sel).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width, sel).toBeLessThanOrEqual(800);
    }
    // The chat sits above the panels, not beside them.
    const chat = (await narrow.locator('#chat').boundingBox())!;
    const events = (await narrow.locator('#events-panel').boundingBox())!;
    expect(events.y).toBeGreaterThanOrEqual(chat.y + chat.height - 1);
    await screenshot(narrow, 'layout-800');
    await narrow.close();
    expect(c.errors).toEqual([]);
  }, SCENARIO_MS);
});
