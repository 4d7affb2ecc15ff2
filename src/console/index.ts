/**
 * The dev console: a page at `/` where a bot author chats with their bots on the emulated platforms.
 */
import type { Express } from 'express';
import type { AcsEmulator } from '../emulator/acs/index.ts';
import type { StreamEmulator } from '../emulator/stream/index.ts';
import type { Runtime } from '../runtime/runtime.ts';

export interface ConsoleOptions {
  runtime: Runtime;
  stream?: StreamEmulator;
  acs?: AcsEmulator;
}

export function mountConsole(app: Express, options: ConsoleOptions): void {
  app.get('/', (_req, res) => {
    res.type('html').send(`<!doctype html><title>botyard</title><h1>botyard dev</h1><p>Bots: ${options.runtime.bots.names().join(', ')}</p>`);
  });
}
