/**
 * Every TypeScript example in README.md runs as printed. Each names the file it is, in its first line
 * (`// bots/hello.ts`) or after its language (```ts file=bots/hello.ts, which the rendered page does
 * not show); one that needs a package this repository does not install says so (```ts skip=<reason>).
 * The examples are written into scratch projects (a second bot.config.ts, say, goes to a second one;
 * an example test of one of this repository's example bots gets that bot). In each, `botyard check`
 * loads the bots and bot.config.ts with no problem and vitest runs the test files; tsc type-checks them all.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/command.ts';
import { main } from '../../src/cli/main.ts';
import { discoverBotFiles } from '../../src/runtime/loader.ts';
import { distIsCurrent } from '../starter/pack.ts';
import { readmeBlocks, type CodeBlock } from './blocks.ts';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const blocks = readmeBlocks(readFileSync(path.join(ROOT, 'README.md'), 'utf8'));
const typescript = blocks.filter((b) => (b.lang === 'ts' || b.lang === 'typescript') && !b.skip);

/** Files by project: each example goes to the first project where its path is still free. */
const projects: Array<Map<string, CodeBlock>> = [];
for (const block of typescript) {
  if (!block.file) continue;
  let project = projects.find((p) => !p.has(block.file!));
  if (!project) projects.push((project = new Map()));
  project.set(block.file, block);
}
let dir: string;
const projectDir = (i: number) => path.join(dir, `p${i}`);

beforeAll(() => {
  mkdirSync(path.join(ROOT, '.botyard'), { recursive: true });
  // Inside the repository, so the examples' `import ... from 'botyard'` resolves to this package.
  dir = mkdtempSync(path.join(ROOT, '.botyard/readme-'));
  projects.forEach((files, i) => {
    for (const [file, block] of files) {
      const target = path.join(projectDir(i), file);
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, block.code);
    }
    // Once every example is written: a test may come before the example bot it imports.
    for (const [file, block] of files) {
      for (const [, name] of file.startsWith('test/') ? block.code.matchAll(/from '\.\.\/bots\/([\w-]+)/g) : []) {
        const bot = existsSync(path.join(ROOT, 'bots', name!)) ? name! : `${name}.ts`;
        if (!existsSync(path.join(projectDir(i), 'bots', bot))) cpSync(path.join(ROOT, 'bots', bot), path.join(projectDir(i), 'bots', bot), { recursive: true });
      }
    }
  });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('README.md examples', () => {
  it('has TypeScript examples, each naming the file it is', () => {
    expect(typescript.length).toBeGreaterThanOrEqual(4);
    const unnamed = typescript.filter((b) => !b.file).map((b: CodeBlock) => `README.md:${b.line}`);
    expect(unnamed, 'write each TypeScript example as a whole file whose first line names it (// bots/x.ts), or mark it ```ts skip=<why>').toEqual([]);
  });

  it('the bots and bot.config.ts of each project load with no problem (botyard check)', async () => {
    for (const i of projects.keys()) {
      const out: string[] = [];
      const io: CliIo = { out: (l) => void out.push(l), err: (l) => void out.push(l), env: {}, cwd: projectDir(i) };
      const code = await main(['check'], io);
      expect(out.join('\n'), out.join('\n')).not.toContain('✗');
      expect(code).toBe(0);
      expect(out.at(-1)).toBe(`${discoverBotFiles(path.join(projectDir(i), 'bots')).length} bot(s) ok, 0 problem(s)`);
    }
  });

  it('the test files pass (vitest)', async () => {
    const vitest = path.join(ROOT, 'node_modules/vitest/vitest.mjs');
    let files = 0;
    for (const [i, project] of projects.entries()) {
      const tests = [...project.keys()].filter((f) => f.endsWith('.test.ts')).length;
      if (!tests) continue;
      files += tests;
      // One worker: these few quick files then import botyard's sources once, not once per worker.
      const started = Date.now();
      const { stdout } = await run(process.execPath, [vitest, 'run', '--root', projectDir(i), '--config', path.join(ROOT, 'vitest.config.ts')], { cwd: projectDir(i), env: { ...process.env, NO_COLOR: '1', BOTYARD_TEST_WORKERS: '1' } });
      console.info(`[readme] vitest on project ${i} (${tests} files) in ${Date.now() - started} ms`);
      expect(stdout).toMatch(new RegExp(`Test Files\\s+${tests} passed`));
    }
    expect(files).toBeGreaterThan(0);
  });

  it('they type-check against botyard (tsc)', async () => {
    // Against the declarations a user of the package gets (dist/*.d.ts, skipped as library files like any
    // package's) when dist/ is current: type-checking src/ behind them took ~15 s of CPU. Else the sources.
    const published = distIsCurrent() ? { compilerOptions: { paths: { botyard: [path.join(ROOT, 'dist/index.d.ts')], 'botyard/testing': [path.join(ROOT, 'dist/testing/index.d.ts')] } } } : {};
    writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ extends: path.join(ROOT, 'tsconfig.json'), include: ['**/*.ts'], ...published }));
    const tsc = path.join(ROOT, 'node_modules/typescript/bin/tsc');
    const started = Date.now();
    const result = await run(process.execPath, [tsc, '--noEmit', '-p', path.join(dir, 'tsconfig.json')], { cwd: dir }).catch((e: { stdout: string }) => e);
    console.info(`[readme] tsc against ${'compilerOptions' in published ? 'dist/*.d.ts' : 'src/'} in ${Date.now() - started} ms`);
    expect('stdout' in result ? result.stdout : '').toBe('');
  });
});
