/**
 * The console in chromium for the browser tests: one page on a dev stack, with the page's own errors
 * collected, and the few moves every test makes (post, find a message by id, wait for a bot line).
 * Waits poll the page (Playwright locators) with deadlines a loaded 2-core machine meets.
 */
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import type { DevStack } from '../../src/cli/dev-stack.ts';
import { sharedChromium } from './browser.ts';
import { startConsoleStack } from './stack.ts';

export const WAIT = { timeout: 20_000 };
/** A scenario's own deadline: several page waits in a row, on a loaded machine. */
export const SCENARIO_MS = 120_000;

export interface ConsolePage {
  /** The worker's shared chromium (browser.ts): open pages on it, never close it. */
  browser: Browser;
  page: Page;
  /** Uncaught errors in the page: every test ends expecting none. */
  errors: string[];
  /** Closes this page's context; the shared browser stays for the worker's next file. */
  close(): Promise<void>;
}

export async function openConsole(stack: DevStack, viewport = { width: 1400, height: 900 }): Promise<ConsolePage> {
  const browser = await sharedChromium();
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto(`${stack.url}/`);
  await page.locator('#live.online').waitFor(WAIT);
  return { browser, page, errors, close: () => context.close() };
}

/** Posts `text` from the composer; resolves with the message's own line once it shows (by its id). */
export async function post(page: Page, text: string): Promise<Locator> {
  await page.locator('#text').fill(text);
  await page.locator('#composer button[type=submit]').click();
  const line = page.locator('#messages li.message', { hasText: text }).last();
  await line.waitFor(WAIT);
  return byId(page, (await line.getAttribute('data-id'))!);
}

/** A message's line by its id: stays found while its text changes (edits, deletes). */
export const byId = (page: Page, id: string): Locator => page.locator(`#messages li[data-id="${id}"]`);

/** Waits for a line from a bot containing `text`. */
export const botSays = (page: Page, text: string): Promise<void> => page.locator('#messages li.message.bot', { hasText: text }).first().waitFor(WAIT);

/** Opens a conversation from the sidebar by its key. */
export async function open(page: Page, key: string): Promise<void> {
  await page.locator(`#conversations li.conversation[data-key="${key}"]`).click();
  await page.locator(`#conversations li.conversation.active[data-key="${key}"]`).waitFor(WAIT);
}

/**
 * For a suite: starts the console stack and a page on it (waiting for the first run's `general`)
 * before the tests, runs `ready`, and stops both after. Read `stack` and `c` inside the tests.
 */
export function consoleSuite(label: string, ready?: (c: ConsolePage) => Promise<void>): { readonly stack: DevStack; readonly c: ConsolePage } {
  let stack: DevStack | undefined;
  let c: ConsolePage | undefined;
  beforeAll(async () => {
    const started = Date.now();
    stack = await startConsoleStack();
    c = await openConsole(stack);
    await c.page.locator('#chat-title', { hasText: 'general' }).waitFor(WAIT);
    await ready?.(c);
    console.log(`[${label}] stack and page ready in ${Date.now() - started} ms`);
  }, 90_000);
  afterAll(async () => {
    await c?.close();
    await stack?.stop();
  });
  return {
    get stack() {
      return stack!;
    },
    get c() {
      return c!;
    },
  };
}
