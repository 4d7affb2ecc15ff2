/**
 * Moderation as the console shows it, in chromium on the dev stack with the console fixture bots:
 * a message the before-send hook rejected is shown to its sender only (with the notice they got), a
 * rewrite is stored rewritten, each decision is in the inspector with its time; a shadow-banned user's
 * messages reach only them; flags, pins, mutes and bans show where a client shows them.
 */
import { beforeAll, expect, it } from 'vitest';
import { describeBrowser, screenshot } from './browser.ts';
import { botSays, consoleSuite, post, SCENARIO_MS, WAIT, type ConsolePage } from './page.ts';

describeBrowser('console moderation in chromium', () => {
  const suite = consoleSuite('console moderation', async (c) => {
    // Bob joins the channel: created without becoming who the page posts as.
    await c.page.locator('#new-user-name').fill('Bob');
    await c.page.locator('#create-user').click();
    await c.page.locator('#created-user', { hasText: 'You still post as Alice' }).waitFor(WAIT);
    await c.page.locator('#add-member select').selectOption({ label: 'Bob' });
    await c.page.locator('#add-member button[type=submit]').click();
    await c.page.locator('#members .member .name', { hasText: /^Bob$/ }).waitFor(WAIT);
  });
  let c: ConsolePage;
  beforeAll(() => void (c = suite.c));
  const member = (name: string) => c.page.locator('#members .member', { has: c.page.locator('.name', { hasText: new RegExp(`^${name}$`) }) });
  const postAs = (name: string) => c.page.locator('#as-user').selectOption({ label: name });

  it('a rejected message shows to its sender only, with the notice; the decision and its time are in the inspector', async () => {
    const { page } = c;
    await page.locator('#text').fill('this is forbidden');
    await page.locator('#composer button[type=submit]').click();
    const rejected = page.locator('#messages li.message.rejected', { hasText: 'this is forbidden' });
    await rejected.locator('.notice', { hasText: 'Gate says: "forbidden" is not allowed here.' }).waitFor(WAIT);
    await rejected.locator('.marker', { hasText: 'only you see this' }).waitFor(WAIT);
    const decision = page.locator('#events li.event.decision[data-type="before-send"]', { hasText: 'this is forbidden' });
    await decision.locator('.summary', { hasText: /^reject in \d+ ms \(budget 1000 ms\)$/ }).waitFor(WAIT);
    await decision.locator('li.run', { hasText: /^gate\/beforeSend reject \(forbidden word\) \d+ ms$/ }).waitFor(WAIT);
    // It opens to the decision and the emulator's side of the hook call.
    await decision.locator('details.payload > summary').click();
    await decision.locator('pre.normalized', { hasText: '"action": "reject"' }).waitFor(WAIT);
    await decision.locator('pre.raw', { hasText: '"outcome": "rejected"' }).waitFor(WAIT);
    await screenshot(page, 'moderation-rejected-sender');

    await postAs('Bob');
    await rejected.waitFor({ ...WAIT, state: 'detached' });
    await screenshot(page, 'moderation-rejected-others');
    await postAs('Alice');
    await rejected.waitFor(WAIT);
  }, SCENARIO_MS);

  it('a rewrite is stored rewritten, for everyone', async () => {
    const { page } = c;
    await page.locator('#text').fill('darn it');
    await page.locator('#composer button[type=submit]').click();
    await page.locator('#messages li.message:not(.rejected)', { hasText: 'd*rn it' }).waitFor(WAIT);
    await page.locator('#events li.event.decision', { hasText: 'darn it' }).locator('.summary', { hasText: /^rewrite in \d+ ms/ }).waitFor(WAIT);
    expect(await page.locator('#messages li.message', { hasText: 'darn it' }).count()).toBe(0);
  }, SCENARIO_MS);

  it('flag and pin a message; mute and ban a member; each shows where a client shows it', async () => {
    const { page } = c;
    await postAs('Bob');
    const bobs = await post(page, 'a message from Bob');
    await postAs('Alice');
    await bobs.locator(':scope > .actions .flag-button').click();
    await bobs.locator(':scope > .meta .marker.flagged').waitFor(WAIT);
    await botSays(page, 'witness saw a flag by Alice');
    await bobs.locator(':scope > .actions .pin-button', { hasText: 'pin' }).click();
    await bobs.locator(':scope > .meta .marker.pinned', { hasText: 'pinned by Alice' }).waitFor(WAIT);
    expect(await bobs.locator(':scope > .actions .pin-button').textContent()).toBe('unpin');

    await member('Bob').locator('.mute').click();
    await member('Bob').locator('.badge.muted', { hasText: 'muted by Alice' }).waitFor(WAIT);
    await page.locator('#events li.event[data-type="user.muted"]', { hasText: 'Alice → Bob' }).first().waitFor(WAIT);
    await member('Bob').locator('.ban').click();
    await member('Bob').locator('.badge.banned').waitFor(WAIT);
    expect(await member('Bob').locator('.ban').textContent()).toBe('unban');
    await screenshot(page, 'moderation-flag-pin-mute-ban');

    await member('Bob').locator('.ban').click();
    await member('Bob').locator('.badge.banned').waitFor({ ...WAIT, state: 'detached' });
    await member('Bob').locator('.mute', { hasText: 'unmute' }).click();
    await member('Bob').locator('.badge.muted').waitFor({ ...WAIT, state: 'detached' });
    await bobs.locator(':scope > .actions .pin-button', { hasText: 'unpin' }).click();
    await bobs.locator(':scope > .meta .marker.pinned').waitFor({ ...WAIT, state: 'detached' });
  }, SCENARIO_MS);

  it("a shadow-banned user's messages reach only them", async () => {
    const { page } = c;
    await postAs('Bob');
    await post(page, 'shadow-ban me');
    await member('Bob').locator('.badge.shadow-banned').waitFor(WAIT);
    const secret = await post(page, 'nobody hears this');
    await secret.locator('.marker.shadowed', { hasText: 'only you see this' }).waitFor(WAIT);
    await screenshot(page, 'moderation-shadowed-author');
    await postAs('Alice');
    await secret.waitFor({ ...WAIT, state: 'detached' });
    await page.locator('#events li.event[data-type="user.banned"]', { hasText: 'Bob' }).first().waitFor(WAIT);
    expect(c.errors).toEqual([]);
  }, SCENARIO_MS);
});
