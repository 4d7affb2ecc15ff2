/**
 * Streamed replies in the console, in chromium on the dev stack with the console fixture bots: on
 * Stream the AI indicator shows and the reply's text grows, and Stop (ai_indicator.stop sent as the
 * chosen user) ends it with what was written kept; the inspector folds the stream into one line. On
 * ACS, which has no indicator, the bot types and then sends once, and the page says Stop is not there.
 */
import { beforeAll, expect, it } from 'vitest';
import { describeBrowser, screenshot } from './browser.ts';
import { consoleSuite, open, post, SCENARIO_MS, WAIT, type ConsolePage } from './page.ts';

describeBrowser('console streaming in chromium', () => {
  const suite = consoleSuite('console streaming');
  let c: ConsolePage;
  beforeAll(() => void (c = suite.c));

  it('Stream: the indicator shows, the text grows, and Stop ends it keeping what was written', async () => {
    const { page } = c;
    // Every text the AI message shows, as the page redraws it.
    await page.evaluate(() => {
      const seen = new Set<string>();
      (window as unknown as { seen: Set<string> }).seen = seen;
      new MutationObserver(() => {
        const text = document.querySelector('#messages li.message.bot:has(.marker.ai) > .text')?.textContent;
        if (text) seen.add(text);
      }).observe(document.querySelector('#messages')!, { childList: true, subtree: true, characterData: true });
    });
    await post(page, '/endless');
    const indicator = page.locator('#ai-indicator');
    await indicator.locator('.ai-state', { hasText: /^Botyard is (thinking|writing)…$/ }).waitFor(WAIT);
    await page.locator('#messages li.message.bot .marker.writing').waitFor(WAIT);
    await page.waitForFunction(() => (window as unknown as { seen: Set<string> }).seen.size >= 3, undefined, WAIT);
    await screenshot(page, 'stream-ai-growing');

    await indicator.locator('.ai-stop').click();
    await indicator.waitFor({ ...WAIT, state: 'hidden' });
    const line = page.locator('#events li.event.stream[data-type="ctx.stream"]');
    await line.locator('.summary', { hasText: /· stopped$/ }).waitFor(WAIT);
    expect(await line.locator('.summary').textContent()).toMatch(/^thinking → generating → cleared · \d+ partial updates? · \d+ chars · stopped$/);
    // What was written stays, and grows no more.
    const reply = page.locator('#messages li.message.bot:has(.marker.ai) > .text');
    const kept = await reply.textContent();
    expect(kept).toMatch(/^word1 word2 word3/);
    await page.locator('#events li.event[data-type="ai_indicator.stop"] li.run, #events li.event[data-type="ai_indicator.stop"] .note').first().waitFor(WAIT);
    expect(await reply.textContent()).toBe(kept);
    // The bot's own echoed updates of that message make one line, not one per update.
    expect(await page.locator('#events li.event[data-type="message.updated"] .outcome.ignored').count()).toBeLessThanOrEqual(1);
    await screenshot(page, 'stream-ai-stopped');
  }, SCENARIO_MS);

  it('ACS: no indicator or Stop there (the page says so); the bot types, then sends its answer once', async () => {
    const { page } = c;
    const key = (await page.locator('#conversations li.conversation[data-key^="acs:"]').first().getAttribute('data-key'))!;
    await open(page, key);
    await page.locator('#platform-notes', { hasText: 'ACS Chat has no AI indicator' }).waitFor(WAIT);
    await post(page, '/story');
    await page.locator('#typing', { hasText: 'Botyard is typing' }).waitFor(WAIT);
    const answer = page.locator('#messages li.message.bot', { hasText: 'word10' });
    await answer.waitFor(WAIT);
    expect((await answer.locator('.text').textContent())?.trim()).toBe('word1 word2 word3 word4 word5 word6 word7 word8 word9 word10');
    expect(await page.locator('#ai-indicator').isHidden()).toBe(true);
    await screenshot(page, 'acs-stream-once');
    expect(c.errors).toEqual([]);
  }, SCENARIO_MS);
});
