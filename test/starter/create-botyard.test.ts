/**
 * botyard in your own project, as the README's first screen tells it: create-botyard writes a project
 * depending on botyard (here: this repository packed by `npm pack`, dist/ prebuilt), `npm install`
 * fetches the rest from the registry, and in that folder `botyard new` adds a bot, `npm test` passes
 * (the starter's test and the new bot's), the types check, and `npm run dev` serves the emulators and the console.
 * Every phase prints how long it took.
 */
import { execFile, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ROOT, packBotyard, packStarter } from './pack.ts';

interface Ran {
  code: number;
  out: string;
}

let work: string;
let project: string;
const phases: string[] = [];

/** Runs a command in `cwd` to its end; never rejects (the test reads the code and the output). */
function sh(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Ran> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env: { ...process.env, CI: '', NO_COLOR: '1', FORCE_COLOR: '', ...env }, maxBuffer: 64 * 1024 * 1024, timeout: 240_000 }, (error, stdout, stderr) => {
      phases.push(`${[command, ...args].join(' ').replace(work, '…')}: ${Date.now() - started} ms`);
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, out: `${stdout}${stderr}`.replace(/\x1b\[[0-9;]*m/g, '') });
    });
  });
}

/**
 * better-sqlite3 compiles from source on install (about a minute of CPU here). The install skips
 * install scripts and takes this checkout's build of the same version, for the same Node; esbuild and
 * the rest need no script (their platform binaries are packages of their own).
 */
function reuseNativeBuilds(into: string): void {
  const ours = path.join(ROOT, 'node_modules/better-sqlite3');
  const theirs = path.join(into, 'node_modules/better-sqlite3');
  if (!existsSync(path.join(ours, 'build/Release')) || !existsSync(theirs)) return;
  const version = (dir: string) => JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
  if (version(ours) !== version(theirs)) throw new Error(`better-sqlite3 ${version(theirs)} in the project, ${version(ours)} here: run npm ci here to match`);
  mkdirSync(path.join(theirs, 'build/Release'), { recursive: true });
  copyFileSync(path.join(ours, 'build/Release/better_sqlite3.node'), path.join(theirs, 'build/Release/better_sqlite3.node'));
}

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'botyard-starter-'));
  const t0 = Date.now();
  const [botyard, starter] = await Promise.all([packBotyard(work), packStarter(work)]);
  phases.push(`npm pack (botyard, create-botyard): ${Date.now() - t0} ms`);
  // As `npm create botyard@latest my-bots` does once published: npm runs create-botyard's bin.
  const created = await sh('npm', ['exec', '--yes', `--package=${starter}`, '--', 'create-botyard', 'my-bots', '--botyard', botyard], work);
  expect(created.code, created.out).toBe(0);
  project = path.join(work, 'my-bots');
  const installed = await sh('npm', ['install', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'], project);
  expect(installed.code, installed.out).toBe(0);
  reuseNativeBuilds(project);
}, 300_000);

afterAll(() => {
  console.info(`[starter] ${phases.join('; ')}`);
  if (work) rmSync(work, { recursive: true, force: true });
});

it('allows the install scripts the default store needs, so npm 12 (which runs none unless allowed) still builds better-sqlite3', async () => {
  // npm 11.16+ lists what package.json's allowScripts does not cover (older npm has no such command: nothing to check).
  const listed = await sh('npm', ['install-scripts', 'ls'], project);
  if (listed.code !== 0 && /Unknown command|not a valid/i.test(listed.out)) return void console.info('[starter] this npm has no install-scripts command: allowScripts not checked');
  expect(listed.code, listed.out).toBe(0);
  expect(listed.out).not.toMatch(/better-sqlite3|esbuild/);
});

it('writes package.json with botyard as a dependency and the dev/start/test scripts, and the project files', () => {
  const pkg = JSON.parse(readFileSync(path.join(project, 'package.json'), 'utf8'));
  expect(pkg).toMatchObject({ name: 'my-bots', type: 'module', scripts: { dev: 'botyard dev', start: 'botyard start', test: 'vitest run' }, dependencies: { botyard: expect.stringMatching(/^file:.*botyard-\d+\.\d+\.\d+\.tgz$/) }, allowScripts: { 'better-sqlite3': true } });
  const files = (dir: string, prefix = ''): string[] =>
    readdirSync(dir, { withFileTypes: true }).filter((e) => e.name !== 'node_modules' && e.name !== 'package-lock.json').flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]));
  expect(files(project).sort()).toEqual(['.gitignore', 'bot.config.ts', 'bots/hello.ts', 'package.json', 'test/hello.test.ts', 'tsconfig.json', 'vitest.config.ts']);
  // Installed as published: dist/ prebuilt, no sources to build.
  expect(existsSync(path.join(project, 'node_modules/botyard/dist/.built'))).toBe(true);
  expect(existsSync(path.join(project, 'node_modules/botyard/src'))).toBe(false);
});

it("botyard new there writes a bot and its test; npm test passes (the starter's test and the new one), and the types check", async () => {
  // One vitest run for both: the starter's own test and the one `botyard new` wrote (each run costs seconds of CPU).
  const made = await sh('npx', ['botyard', 'new', 'greeter'], project);
  expect(made.code, made.out).toBe(0);
  expect(made.out).toContain('npm run dev ');
  expect(made.out).toContain('npm test ');
  expect(existsSync(path.join(project, 'test/bots/greeter.test.ts')), made.out).toBe(true);
  const tested = await sh('npm', ['test'], project);
  expect(tested.code, tested.out).toBe(0);
  expect(tested.out).toMatch(/Test Files\s+2 passed/);
  expect(tested.out).toMatch(/Tests\s+2 passed/);
  expect(tested.out).toContain('test/hello.test.ts');
  expect(tested.out).toContain('test/bots/greeter.test.ts');
  const typed = await sh('npm', ['run', 'typecheck'], project);
  expect(typed.code, typed.out).toBe(0);
});

it('npm run dev starts the emulators, the bots and the console, offline, and stops on Ctrl-C', async () => {
  const started = Date.now();
  // Its own process group, so Ctrl-C reaches npm and botyard as it would in a terminal.
  const dev = spawn('npm', ['run', 'dev'], { cwd: project, env: { ...process.env, PORT: '0', CI: '' }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  dev.stdout.on('data', (c: Buffer) => void (out += c.toString()));
  dev.stderr.on('data', (c: Buffer) => void (out += c.toString()));
  const closed = new Promise<number | null>((resolve) => dev.once('close', (code) => resolve(code)));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no console line within 60 s:\n${out}`)), 60_000);
      dev.stdout.on('data', () => {
        const m = /console: (http:\/\/\S+)\//.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!.replace('localhost', '127.0.0.1'));
        }
      });
      void closed.then(() => reject(new Error(`npm run dev exited:\n${out}`)));
    });
    phases.push(`npm run dev → console: ${Date.now() - started} ms`);
    expect(out).toMatch(/bots: .*\bhello\b/);
    expect(out).toMatch(/bots: .*\bgreeter\b/);
    expect(out).toMatch(/platforms: stream .*acs/);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${url}/`)).text()).toContain('/console/assets/app.js');
  } finally {
    process.kill(-dev.pid!, 'SIGINT');
  }
  await closed; // npm itself ends by the signal; botyard says it stopped cleanly
  expect(out).toContain('SIGINT: stopping');
  expect(out).not.toMatch(/stop failed|ERROR/);
});
