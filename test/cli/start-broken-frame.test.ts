/**
 * `botyard start` refusing a bot that failed to load shows where and the offending line, as the start
 * banner (dev, --allow-broken-bots) and `botyard check` do: the same `✗ file: reason at file:line:col.
 * Fix: …` line and code frame. In process, against the Stream emulator (the start is refused before
 * anything listens).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import type { CliIo } from '../../src/cli/command.ts';
import { startStreamEmulator, type StreamEmulator } from '../../src/emulator/stream/index.ts';

let emu: StreamEmulator;
let dir: string;
beforeAll(async () => {
  emu = await startStreamEmulator();
  mkdirSync('.botyard', { recursive: true });
  // Inside the project, so a bot's `import 'botyard'` resolves as in a user's project.
  dir = mkdtempSync(path.resolve('.botyard/start-frame-'));
  mkdirSync(path.join(dir, 'bots'));
  writeFileSync(path.join(dir, 'bots', 'fine.ts'), `import { defineBot } from 'botyard';\nexport default defineBot({ name: 'fine', setup(bot) { bot.onMessage(() => {}); } });\n`);
  writeFileSync(
    path.join(dir, 'bots', 'boom.ts'),
    ["import { defineBot } from 'botyard';", '', "export default defineBot({ name: 'boom', setup() {", "  throw new Error('no token for the weather API');", '} });', ''].join('\n'),
  );
});
afterAll(async () => {
  await emu?.close();
  rmSync(dir, { recursive: true, force: true });
});

function run(args: string[]) {
  const lines: string[] = [];
  const io: CliIo = { out: (l) => void lines.push(l), err: (l) => void lines.push(l), env: { ...emu.env, PORT: '0' }, cwd: dir };
  return main(args, io).then((code) => ({ code, text: lines.join('\n') }));
}

it('prints the location and the code frame of each bot that failed, as check does', async () => {
  const started = await run(['start', '--port', '0']);
  expect(started.code).toBe(1);
  expect(started.text).toMatch(/1 bot\(s\) failed to load: boom \(.*boom\.ts\)\. Not starting/);
  const problem = /✗ .*boom\.ts: setup\(\) threw: no token for the weather API at .*boom\.ts:4:9\. Fix: fix the error thrown at .*boom\.ts:4:9/;
  expect(started.text).toMatch(problem);
  const frame = ["  3 | export default defineBot({ name: 'boom', setup() {", "  4 |   throw new Error('no token for the weather API');", '    |         ^'].join('\n');
  expect(started.text).toContain(frame);

  const checked = await run(['check']);
  expect(checked.code).toBe(1);
  expect(checked.text).toMatch(problem);
  expect(checked.text).toContain(frame);
});
