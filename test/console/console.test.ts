/**
 * The dev console in a real browser, against the whole dev stack in-process: both emulators, the
 * runtime with the real Stream and ACS adapters and the fixture bots (test/fixtures), the console at `/`.
 * Every wait polls the page (Playwright locators); with BOTYARD_SCREENSHOTS=1 a screenshot per scenario goes to test-results/console/ (browser.ts).
 */
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startDevStack, type DevStack } from '../../src/cli/dev-stack.ts';
import { createLogger } from '../../src/runtime/log.ts';
import { FIXTURE_BOTS } from '../helpers/fixtures.ts';
import { describeBrowser, newBrowserContext, screenshot } from './browser.ts';

const WAIT = { timeout: 15_000 };

describeBrowser('dev console in chromium', () => {
  let stack: DevStack;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    stack = await startDevStack({
      env: {},
      port: 0,
      host: '127.0.0.1',
      log: createLogger({ level: 'fatal' }),
      // Poll ACS briskly so the test does not wait on the idle backoff.
      config: {
        // The tests' own bots, never the repository's bots/ folder.
        botsDir: FIXTURE_BOTS,
        bots: {
          welcome: { rulesUrl: 'https://example.com/house-rules.pdf' },
          moderation: { blockedWords: ['spam'], strikesBeforeBan: 3 },
          // The reminders bot's weekly post goes to the Stream channel the first test creates.
          reminders: { weeklyTarget: 'stream:messaging:general' },
        },
        acs: { pollMinIntervalMs: 100, pollMaxIntervalMs: 300 },
      },
    });
    context = await newBrowserContext({ viewport: { width: 1400, height: 900 } });
    page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.goto(`${stack.url}/`);
    await page.locator('#live.online').waitFor(WAIT);
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await stack?.stop();
  });

  /** Creates a conversation as `creator`, the user the console's first run made on each platform. */
  async function createConversation(platform: 'stream' | 'acs', name: string, creator: string): Promise<void> {
    const form = page.locator('#new-conversation');
    await form.locator('select[name=platform]').selectOption(platform);
    await form.locator('input[name=name]').fill(name);
    await form.locator('select[name=as] option', { hasText: creator }).waitFor({ ...WAIT, state: 'attached' });
    await form.locator('select[name=as]').selectOption({ label: creator });
    await form.locator('button[type=submit]').click();
    await page.locator('#chat-title', { hasText: name }).waitFor(WAIT);
    await page.locator('#conversations li.conversation.active', { hasText: name }).waitFor(WAIT);
  }

  async function post(text: string): Promise<Locator> {
    await page.locator('#text').fill(text);
    await page.locator('#composer button[type=submit]').click();
    return page.locator('#messages > li.message', { hasText: text });
  }

  async function mentionScenario(scenario: string): Promise<void> {
    const mine = await post('@Botyard hello');
    await mine.waitFor(WAIT);
    // The user's own mention of the bot is highlighted too.
    await mine.locator(':scope > .text .mention', { hasText: '@Botyard' }).waitFor(WAIT);
    const reply = mine.locator('.replies > li.message.bot', { hasText: 'Ask me about' });
    await reply.waitFor(WAIT);
    expect(await reply.locator('.mention').allTextContents()).toEqual(['@Alice']);
    await mine.locator(':scope > .receipts', { hasText: 'Read by Botyard' }).waitFor(WAIT);
    await screenshot(page, scenario);
  }

  async function welcomeScenario(scenario: string): Promise<void> {
    await page.locator('#new-user-name').fill('Carol');
    await page.locator('#create-user').click();
    // Made, but not who the page posts as.
    await page.locator('#created-user', { hasText: 'Created Carol. You still post as Alice.' }).waitFor(WAIT);
    await page.locator('#add-member select option', { hasText: 'Carol' }).waitFor({ ...WAIT, state: 'attached' });
    await page.locator('#add-member select').selectOption({ label: 'Carol' });
    await page.locator('#add-member button[type=submit]').click();
    await page.locator('#members .member', { hasText: 'Carol' }).waitFor(WAIT);
    const welcome = page.locator('#messages li.message.bot', { hasText: 'Welcome, @Carol' });
    await welcome.waitFor(WAIT);
    await welcome.locator('.mention', { hasText: '@Carol' }).waitFor(WAIT);
    const file = welcome.locator('.attachments a.file');
    expect(await file.textContent()).toBe('House rules');
    expect(await file.getAttribute('href')).toBe('https://example.com/house-rules.pdf');
    await screenshot(page, scenario);
  }

  it('Stream: "@Botyard hello" gets a threaded reply with the mention highlighted and a read receipt', async () => {
    // The console's first run opened Stream's 'general' with Alice: the channel the reminders bot's weekly post goes to.
    await page.locator('#conversations li.conversation.active[data-key="stream:messaging:general"]').waitFor(WAIT);
    await page.locator('#as-user option:checked', { hasText: 'Alice' }).waitFor({ ...WAIT, state: 'attached' });
    await page.locator('#chat-platform', { hasText: 'Stream channel' }).waitFor(WAIT);
    await mentionScenario('stream-mention');
  });

  it('Stream: adding a member brings the welcome with its attachment; removing one fires member.removed', async () => {
    await welcomeScenario('stream-welcome');
    await page.locator('#members .member', { hasText: 'Carol' }).locator('button.remove').click();
    await page.locator('#members .member', { hasText: 'Carol' }).waitFor({ ...WAIT, state: 'detached' });
    await page.locator('#events li.event[data-type="member.removed"]', { hasText: 'Carol' }).waitFor(WAIT);
  });

  it('Stream: a blocked word is rejected before anyone sees it (the inspector shows message.rejected)', async () => {
    await page.locator('#as-user').selectOption({ label: 'Alice' });
    await post('buy cheap spam here');
    await page.locator('#events li.event[data-type="message.rejected"]').first().waitFor(WAIT);
    // Never stored: only its sender sees it, as the rejection they were handed; nobody was warned in public.
    await page.locator('#messages > li.message.rejected', { hasText: 'buy cheap spam here' }).locator('.notice', { hasText: 'is not allowed here' }).waitFor(WAIT);
    expect(await page.locator('#messages > li.message:not(.rejected)', { hasText: 'buy cheap spam here' }).count()).toBe(0);
    expect(await page.locator('#messages > li.message.bot', { hasText: 'is not allowed here' }).count()).toBe(0);
    await screenshot(page, 'stream-moderation');
  });

  it('ACS: "@Botyard hello" gets a reply with the mention highlighted and a read receipt', async () => {
    await createConversation('acs', 'ACS lobby', 'Alice');
    expect(await page.locator('#chat-platform').textContent()).toBe('ACS thread');
    await page.locator('#messages li.message.system', { hasText: 'added Alice, Botyard' }).waitFor(WAIT);
    await mentionScenario('acs-mention');
  });

  it('ACS: adding a member brings the welcome with its attachment', async () => {
    await welcomeScenario('acs-welcome');
    await page.locator('#messages li.message.system', { hasText: 'Alice added Carol' }).waitFor(WAIT);
  });

  it('ACS: typing shows who is typing; a reply from the console lands in the thread', async () => {
    await page.locator('#as-user').selectOption({ label: 'Carol' });
    const mine = page.locator('#messages > li.message', { hasText: '@Botyard hello' });
    await mine.locator(':scope > .actions .reply-button').click();
    await page.locator('#replying q', { hasText: '@Botyard hello' }).waitFor(WAIT);
    await page.locator('#text').pressSequentially('thanks bot');
    await page.locator('#typing', { hasText: 'Carol is typing' }).waitFor(WAIT);
    await screenshot(page, 'acs-typing');
    await page.locator('#composer button[type=submit]').click();
    await mine.locator('.replies > li.message', { hasText: 'thanks bot' }).locator('.author', { hasText: 'Carol' }).waitFor(WAIT);
    // Posting ends the typing notice (ACS clears a sender's typing when they post).
    await page.locator('#typing', { hasText: 'Carol is typing' }).waitFor({ ...WAIT, state: 'detached' });
  });

  it('the inspector shows each event with the handlers that ran; a schedule runs on demand', async () => {
    const mention = page.locator('#events li.event[data-type="message.new"]', { hasText: '@Botyard hello' });
    await mention.first().locator('li.run.ok', { hasText: 'mentions/' }).waitFor(WAIT);
    const schedule = page.locator('#schedules li.schedule', { hasText: 'reminders' }).first();
    await schedule.locator('.next', { hasText: 'next:' }).waitFor(WAIT);
    // Ticks fold into one line per schedule, counting them: "Run now" adds one.
    const line = page.locator('#events li.event.schedule', { hasText: 'reminders' });
    const ticks = async () => ((await line.count()) ? Number(/^(\d+) tick/.exec((await line.locator('.summary').textContent()) ?? '')?.[1] ?? 0) : 0);
    const before = await ticks();
    await schedule.locator('button.run').click();
    await line.locator('li.run.ok', { hasText: 'reminders/' }).waitFor(WAIT);
    await page.waitForFunction(
      (n) => Number(/^(\d+) tick/.exec(document.querySelector('#events li.event.schedule .summary')?.textContent ?? '')?.[1] ?? 0) > n,
      before,
      WAIT,
    );
    expect(await page.locator('#events li.event[data-type="schedule.tick"]').count()).toBe(1);
    await screenshot(page, 'inspector-schedules');
    expect(pageErrors).toEqual([]);
  });
});
