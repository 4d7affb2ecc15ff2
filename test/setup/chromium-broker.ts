/**
 * One chromium for the whole run instead of one per worker. A launch and its first page cost ~4 CPU-s,
 * and with four workers the console files landed on three or four of them. This global setup (vitest's
 * main process) serves a loopback URL; the first worker that needs a browser asks it, which launches
 * chromium as a Playwright server, and every worker connects to that one (test/console/browser.ts).
 * A run without browser tests launches nothing. Workers still open a fresh context per file.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BrowserServer } from 'playwright-core';
import type { TestProject } from 'vitest/node';
import { browserAvailable, launchChromiumServer } from '../console/chromium.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** GET it for the run's chromium websocket endpoint (launched on the first GET). */
    chromiumBroker?: string;
  }
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  if (!browserAvailable) return undefined;
  let launched: Promise<BrowserServer> | undefined;
  const broker = createServer((_req, res) => {
    launched ??= launchChromiumServer();
    launched.then(
      (server) => res.end(server.wsEndpoint()),
      (err: Error) => {
        launched = undefined; // the next request tries again
        res.writeHead(500).end(err.message);
      },
    );
  });
  await new Promise<void>((resolve) => broker.listen(0, '127.0.0.1', resolve));
  project.provide('chromiumBroker', `http://127.0.0.1:${(broker.address() as AddressInfo).port}/`);
  return async () => {
    broker.close();
    await (await launched?.catch(() => undefined))?.close();
  };
}
