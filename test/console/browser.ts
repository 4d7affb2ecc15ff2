/**
 * Real-browser tests: playwright-core driving Debian's chromium at /usr/bin/chromium.
 *
 * Without that binary the suites are skipped with a visible note, except under CI (`CI` set), where a
 * missing browser is a failure: CI must never go green by skipping (.ci/run installs chromium).
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { afterEach, describe, it, type TestContext } from 'vitest';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const inCI = !!process.env.CI && process.env.CI !== 'false' && process.env.CI !== '0';
export const browserAvailable = existsSync(CHROMIUM);

if (!browserAvailable && !inCI) {
  console.warn(`[botyard tests] no chromium at ${CHROMIUM}: browser suites are SKIPPED. Install it with \`apt-get install chromium\` (or set CHROMIUM_PATH).`);
}

/** `describe` for suites that need a browser: skipped with a note when there is none, failing under CI. */
export function describeBrowser(name: string, fn: () => void): void {
  if (browserAvailable) {
    describe(name, () => {
      afterEach(screenshotOnFailure);
      fn();
    });
  } else if (inCI) {
    describe(name, () => {
      it(`needs chromium at ${CHROMIUM}`, () => {
        throw new Error(`no chromium at ${CHROMIUM} and CI is set: install it (apt-get install chromium) before the tests.`);
      });
    });
  } else describe.skip(`${name} (skipped: no chromium at ${CHROMIUM})`, fn);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

/**
 * One chromium per vitest worker, launched on first use and kept for the worker's next files: a launch
 * costs ~4 CPU-s and the console files used to launch one each. Files share the process, never a page or
 * its storage: each opens its own context (`newContext`) and closes only that. Kept on globalThis, so a
 * worker that re-imports this module still finds it; a browser that went away is launched again.
 * Playwright closes it when the worker exits.
 */
const SHARED = Symbol.for('botyard.tests.chromium');
export function sharedChromium(): Promise<Browser> {
  const slot = globalThis as { [SHARED]?: Promise<Browser> };
  const existing = slot[SHARED];
  if (existing) return existing;
  const started = Date.now();
  const launched = launchChromium();
  slot[SHARED] = launched;
  launched.then(
    (browser) => {
      console.log(`[browser] chromium launched for worker ${process.pid} in ${Date.now() - started} ms`);
      browser.once('disconnected', () => {
        if (slot[SHARED] === launched) delete slot[SHARED];
      });
    },
    () => {
      if (slot[SHARED] === launched) delete slot[SHARED];
    },
  );
  return launched;
}

/** A fresh context (its own cookies, storage and viewport) on the worker's shared chromium; close it, not the browser. */
export async function newBrowserContext(options: BrowserContextOptions = {}): Promise<BrowserContext> {
  return (await sharedChromium()).newContext(options);
}

export const SCREENSHOT_DIR = path.resolve('test-results', 'console');

/**
 * Screenshots are for a person reading a failure: nothing asserts on their pixels, and a full-page capture
 * costs chromium about a CPU-second (29 of them were ~15% of the suite's CPU). So a scenario's
 * `screenshot(page, name)` is a checkpoint that captures only with BOTYARD_SCREENSHOTS=1 (to look at the
 * pages), and every browser suite captures each open page when a test fails (`describeBrowser`).
 */
const EVERY_SCENARIO = process.env.BOTYARD_SCREENSHOTS === '1';

/** Saves a full-page screenshot as test-results/console/<scenario>.png when BOTYARD_SCREENSHOTS=1; returns its path. */
export async function screenshot(page: Page, scenario: string): Promise<string | undefined> {
  return EVERY_SCENARIO ? capture(page, scenario) : undefined;
}

async function capture(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * After a failed test: every page still open on the worker's chromium (a worker runs one file at a time,
 * so they are this file's) as test-results/console/<test>-failed[-n].png, named in the test's output.
 */
async function screenshotOnFailure({ task }: TestContext): Promise<void> {
  if (task.result?.state !== 'fail') return;
  const browser = await (globalThis as { [SHARED]?: Promise<Browser> })[SHARED]?.catch(() => undefined);
  const pages = browser?.contexts().flatMap((context) => context.pages()) ?? [];
  const base = `${task.name.replace(/[^\w-]+/g, '-').slice(0, 80)}-failed`;
  for (const [i, page] of pages.entries()) {
    const file = await capture(page, i ? `${base}-${i}` : base).catch(() => undefined);
    if (file) console.error(`[browser] the page at the failure: ${file}`);
  }
}
