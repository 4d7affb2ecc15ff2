/**
 * The console's verbs in chromium, against the whole dev stack (both emulators, the runtime, the
 * console fixture bots): a first run that is ready to type into; react, edit, delete, upload an image
 * and a file, rename, on Stream; edit, delete, rename on ACS, which has no reactions or uploads and
 * says so. The `witness` fixture bot answers each verb, which proves the runtime got the right event.
 * With BOTYARD_SCREENSHOTS=1 a screenshot per scenario goes to test-results/console/ (browser.ts).
 */
import { beforeAll, expect, it } from 'vitest';
import { describeBrowser, screenshot } from './browser.ts';
import { botSays, consoleSuite, open, post, SCENARIO_MS, WAIT, type ConsolePage } from './page.ts';
import { solidPng } from './png.ts';

describeBrowser('console verbs in chromium', () => {
  const suite = consoleSuite('console verbs');
  const stack = () => suite.stack;
  let c: ConsolePage;
  beforeAll(() => void (c = suite.c));

  it('a first run opens a ready general channel with Alice selected, and an ACS general thread', async () => {
    const { page } = c;
    await page.locator('#chat-title', { hasText: 'general' }).waitFor(WAIT);
    expect(await page.locator('#chat-platform').textContent()).toBe('Stream channel');
    expect(await page.locator('#as-user option:checked').textContent()).toBe('Alice');
    await page.locator('#members .member', { hasText: 'Botyard' }).waitFor(WAIT);
    await page.locator('#conversations li.conversation[data-key^="acs:"]', { hasText: 'general' }).waitFor(WAIT);
    const mine = await post(page, '@Botyard hi');
    await mine.locator('.replies li.message.bot', { hasText: 'hello from witness' }).waitFor(WAIT);
    await screenshot(page, 'first-run');

    // Another page load makes nothing twice.
    await page.reload();
    await page.locator('#live.online').waitFor(WAIT);
    await page.locator('#chat-title', { hasText: 'general' }).waitFor(WAIT);
    const conversations = (await (await fetch(`${stack().url}/console/api/conversations`)).json()) as Array<{ name: string }>;
    expect(conversations.map((x) => x.name).sort()).toEqual(['general', 'general']);
    const users = (await (await fetch(`${stack().url}/console/api/users?platform=stream`)).json()) as Array<{ name: string }>;
    expect(users.filter((u) => u.name === 'Alice')).toHaveLength(1);
  }, SCENARIO_MS);

  it('Stream: react from the picker, then take it back from the chip', async () => {
    const { page } = c;
    const mine = await post(page, 'react to me');
    await mine.locator(':scope > .actions .react-button').click();
    await mine.locator('.picker .pick[data-type="love"]').click();
    const chip = mine.locator(':scope > .reactions .reaction.mine[data-type="love"]');
    await chip.waitFor(WAIT);
    expect(await chip.textContent()).toBe('❤️ 1');
    await botSays(page, 'witness saw Alice react love');
    await page.locator('#events li.event[data-type="reaction.new"] li.run.ok', { hasText: 'witness/' }).first().waitFor(WAIT);
    await screenshot(page, 'stream-react');
    await chip.click();
    await chip.waitFor({ ...WAIT, state: 'detached' });
    await page.locator('#events li.event[data-type="reaction.deleted"]').first().waitFor(WAIT);
  }, SCENARIO_MS);

  it('Stream: edit your own message in place; a bot message offers no edit', async () => {
    const { page } = c;
    const mine = await post(page, 'first draft');
    await mine.locator(':scope > .actions .edit-button').click();
    await mine.locator('.edit-text').fill('second draft');
    await mine.locator('form.edit button[type=submit]').click();
    await mine.locator(':scope > .text', { hasText: 'second draft' }).waitFor(WAIT);
    await mine.locator(':scope > .meta .marker.edited').waitFor(WAIT);
    await botSays(page, 'witness saw an edit: second draft');
    const botLine = page.locator('#messages li.message.bot', { hasText: 'witness saw an edit' }).first();
    expect(await botLine.locator('.edit-button').count()).toBe(0);
    await screenshot(page, 'stream-edit');
  }, SCENARIO_MS);

  it('Stream: delete your own message', async () => {
    const { page } = c;
    const mine = await post(page, 'delete me');
    await mine.locator(':scope > .actions .delete-button').click();
    await mine.locator(':scope > .text', { hasText: 'This message was deleted.' }).waitFor(WAIT);
    await botSays(page, 'witness saw a delete by Alice');
    await screenshot(page, 'stream-delete');
  }, SCENARIO_MS);

  it('Stream: upload an image with a caption: shown inline, and the bot sees its CDN link', async () => {
    const { page } = c;
    await page.locator('#text').fill('here is a chart');
    await page.locator('#upload').setInputFiles({ name: 'chart.png', mimeType: 'image/png', buffer: solidPng(64, 48, [230, 73, 128]) });
    const line = page.locator('#messages li.message', { hasText: 'here is a chart' });
    const img = line.locator('.attachments img[alt="chart.png"]');
    await img.waitFor(WAIT);
    await page.waitForFunction((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth > 0, await img.elementHandle(), WAIT);
    expect(await img.evaluate((el) => [(el as HTMLImageElement).naturalWidth, (el as HTMLImageElement).naturalHeight])).toEqual([64, 48]);
    expect(await img.getAttribute('src')).toContain(`${stack().stream!.url}/cdn/`);
    await botSays(page, `witness saw image chart.png at ${stack().stream!.url}/cdn/`);
    // The composer is ready for the next message.
    expect(await page.locator('#text').inputValue()).toBe('');
    await screenshot(page, 'stream-upload-image');
  }, SCENARIO_MS);

  it('Stream: upload a file: linked, and the link serves its bytes', async () => {
    const { page } = c;
    await page.locator('#upload').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('meeting at noon\n') });
    const link = page.locator('#messages li.message .attachments a.file', { hasText: 'notes.txt' });
    await link.waitFor(WAIT);
    const res = await fetch((await link.getAttribute('href'))!);
    expect(await res.text()).toBe('meeting at noon\n');
    await botSays(page, 'witness saw file notes.txt');
    await screenshot(page, 'stream-upload-file');
  }, SCENARIO_MS);

  it('Stream: rename the channel', async () => {
    const { page } = c;
    await page.locator('#rename-open').click();
    await page.locator('#rename input[name=name]').fill('lobby');
    await page.locator('#rename button[type=submit]').click();
    await page.locator('#chat-title', { hasText: 'lobby' }).waitFor(WAIT);
    await page.locator('#conversations li.conversation.active', { hasText: 'lobby' }).waitFor(WAIT);
    expect(await page.locator('#rename').isHidden()).toBe(true);
    await botSays(page, 'witness saw a rename to lobby');
    await screenshot(page, 'stream-rename');
  }, SCENARIO_MS);

  it('ACS: edit, delete and rename; no reactions or uploads there, and the page says so', async () => {
    const { page } = c;
    const key = await page.locator('#conversations li.conversation[data-key^="acs:"]').first().getAttribute('data-key');
    await open(page, key!);
    await page.locator('#chat-platform', { hasText: 'ACS thread' }).waitFor(WAIT);
    await page.locator('#platform-notes', { hasText: 'ACS Chat has no reactions' }).waitFor(WAIT);
    await page.locator('#upload-note', { hasText: 'ACS Chat has no file upload' }).waitFor(WAIT);
    expect(await page.locator('#attach').getAttribute('class')).toContain('disabled');
    expect(await page.locator('#upload').isDisabled()).toBe(true);

    // The poller reads a thread when its last message time moves, and sees a message as it is then:
    // each message is seen new (the inspector shows it) before it is changed, or it would be read as
    // already edited or deleted.
    const polled = (text: string) => page.locator('#events li.event[data-type="message.new"]', { hasText: text }).first().waitFor(WAIT);
    const mine = await post(page, 'acs draft');
    expect(await mine.locator('.react-button, .flag-button, .pin-button').count()).toBe(0);
    await polled('acs draft');
    await mine.locator(':scope > .actions .edit-button').click();
    await mine.locator('.edit-text').fill('acs final');
    await mine.locator('form.edit button[type=submit]').click();
    await mine.locator(':scope > .meta .marker.edited').waitFor(WAIT);
    const doomed = await post(page, 'acs doomed');
    await polled('acs doomed');
    await doomed.locator(':scope > .actions .delete-button').click();
    await doomed.locator(':scope > .text', { hasText: 'This message was deleted.' }).waitFor(WAIT);
    await page.locator('#rename-open').click();
    await page.locator('#rename input[name=name]').fill('acs lobby');
    await page.locator('#rename button[type=submit]').click();
    await page.locator('#chat-title', { hasText: 'acs lobby' }).waitFor(WAIT);
    // The topic change moves the thread's last message time, so the poller reads the delete too.
    await botSays(page, 'witness saw a rename to acs lobby');
    await botSays(page, 'witness saw an edit: acs final');
    await botSays(page, 'witness saw a delete by Alice');
    await screenshot(page, 'acs-verbs');
    expect(c.errors).toEqual([]);
  }, SCENARIO_MS);
});
