import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { commands } from '../../src/cli/commands/index.ts';
import type { CliIo } from '../../src/cli/command.ts';

function captureIo(cwd: string, env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (l) => void out.push(l), err: (l) => void err.push(l), env, cwd };
  return { io, out, err };
}

describe('botyard CLI', () => {
  let dir: string;
  beforeEach(() => {
    mkdirSync('.botyard', { recursive: true });
    dir = mkdtempSync(path.resolve('.botyard/cli-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('--help lists every command, and each command has help with an example', async () => {
    const { io, out } = captureIo(dir);
    expect(await main(['--help'], io)).toBe(0);
    for (const c of commands) expect(out.join('\n')).toContain(c.name);
    for (const c of commands) {
      const one = captureIo(dir);
      expect(await main([...c.name.split(' '), '--help'], one.io)).toBe(0);
      expect(one.out.join('\n')).toMatch(/Usage: botyard/);
      expect(one.out.join('\n')).toMatch(/Example/);
    }
  });

  it('a command group alone lists its commands', async () => {
    const { io, out } = captureIo(dir);
    expect(await main(['channel', '--help'], io)).toBe(0);
    expect(out.join('\n')).toMatch(/botyard channel create .*\n.*botyard channel update/);
  });

  it('an unknown command exits 1 and shows the overview', async () => {
    const { io, err } = captureIo(dir);
    expect(await main(['frobnicate'], io)).toBe(1);
    expect(err.join('\n')).toMatch(/Unknown command 'frobnicate'/);
  });

  it('check names a broken bot (file and reason) and exits 1 while the good ones load', async () => {
    mkdirSync(path.join(dir, 'bots'));
    writeFileSync(path.join(dir, 'bots', 'good.ts'), `import { defineBot } from 'botyard';\nexport default defineBot({ name: 'good', setup(bot) { bot.onMessage(() => {}); } });\n`);
    writeFileSync(path.join(dir, 'bots', 'broken.ts'), `export const notABot = true;\n`);
    const { io, out, err } = captureIo(dir);
    expect(await main(['check'], io)).toBe(1);
    expect(out).toContain('✓ good');
    expect(err.join('\n')).toMatch(/✗ .*broken\.ts: has no default export\. Fix: end the file with export default defineBot/);
    expect(out.at(-1)).toBe('1 bot(s) ok, 1 problem(s)');
  });

  it('check reports a bad environment variable with the key and the fix', async () => {
    const { io, err } = captureIo(dir, { REDIS_URL: 'nope' });
    expect(await main(['check'], io)).toBe(1);
    expect(err.join('\n')).toMatch(/REDIS_URL: .*Fix:/);
  });

  it('new scaffolds a bot and a test that passes as written, and refuses to overwrite', async () => {
    const { io, out } = captureIo(dir);
    expect(await main(['new', 'standup'], io)).toBe(0);
    expect(readFileSync(path.join(dir, 'bots', 'standup.ts'), 'utf8')).toMatch(/name: 'standup'/);
    expect(readFileSync(path.join(dir, 'test', 'bots', 'standup.test.ts'), 'utf8')).toMatch(/from '..\/..\/bots\/standup.ts'/);
    expect(out.join('\n')).toMatch(/Next:/);
    // No package.json here: it names commands that work without one, never a script that is not there.
    expect(out.join('\n')).toContain('npx botyard dev');
    expect(out.join('\n')).not.toContain('npm run dev');
    const again = captureIo(dir);
    expect(await main(['new', 'standup'], again.io)).toBe(1);
    expect(again.err.join('\n')).toMatch(/already exists/);
    // The scaffolded bot loads cleanly.
    const check = captureIo(dir);
    expect(await main(['check'], check.io)).toBe(0);
  });

  it('start without any platform credentials explains what to set', async () => {
    const { io, err } = captureIo(dir);
    expect(await main(['start'], io)).toBe(1);
    expect(err.join('\n')).toMatch(/STREAM_API_KEY.*ACS_CONNECTION_STRING.*botyard dev/s);
  });
});
