/**
 * Every TypeScript example in README.md runs as printed. Each names the file it is, in its first line
 * (`// bots/hello.ts`) or after its language (```ts file=bots/hello.ts, which the rendered page does
 * not show); one that needs a package this repository does not install says so (```ts skip=<reason>).
 * The test writes them all into one scratch project (with any example bot of this repository that an
 * example test imports), then `botyard check` loads the bots and bot.config.ts with no problem, vitest
 * runs the test files, and tsc type-checks them all against botyard's source.
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
import { readmeBlocks, type CodeBlock } from './blocks.ts';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const blocks = readmeBlocks(readFileSync(path.join(ROOT, 'README.md'), 'utf8'));
const typescript = blocks.filter((b) => (b.lang === 'ts' || b.lang === 'typescript') && !b.skip);
let dir: string;

beforeAll(() => {
  mkdirSync(path.join(ROOT, '.botyard'), { recursive: true });
  // Inside the repository, so the examples' `import ... from 'botyard'` resolves to this package.
  dir = mkdtempSync(path.join(ROOT, '.botyard/readme-'));
  for (const block of typescript) {
    if (!block.file) continue;
    const target = path.join(dir, block.file);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, block.code);
  }
  // An example test of one of this repository's example bots (`../bots/assistant/index.ts`) gets that bot.
  for (const block of typescript.filter((b) => b.file?.startsWith('test/'))) {
    for (const [, name] of block.code.matchAll(/from '\.\.\/bots\/([\w-]+)/g)) {
      const file = existsSync(path.join(ROOT, 'bots', name!)) ? name! : `${name}.ts`;
      if (!existsSync(path.join(dir, 'bots', file))) cpSync(path.join(ROOT, 'bots', file), path.join(dir, 'bots', file), { recursive: true });
    }
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('README.md examples', () => {
  it('has TypeScript examples, each naming the file it is, each file once', () => {
    expect(typescript.length).toBeGreaterThanOrEqual(4);
    const unnamed = typescript.filter((b) => !b.file).map((b: CodeBlock) => `README.md:${b.line}`);
    expect(unnamed, 'write each TypeScript example as a whole file whose first line names it (// bots/x.ts), or mark it ```ts skip=<why>').toEqual([]);
    const files = typescript.map((b) => b.file);
    expect(new Set(files).size, 'two examples claim the same file').toBe(files.length);
  });

  it('the bots and bot.config.ts load with no problem (botyard check)', async () => {
    const out: string[] = [];
    const io: CliIo = { out: (l) => void out.push(l), err: (l) => void out.push(l), env: {}, cwd: dir };
    const code = await main(['check'], io);
    expect(out.join('\n'), out.join('\n')).not.toContain('✗');
    expect(code).toBe(0);
    expect(out.at(-1)).toBe(`${discoverBotFiles(path.join(dir, 'bots')).length} bot(s) ok, 0 problem(s)`);
  });

  it('the test files pass (vitest)', async () => {
    const tests = typescript.filter((b) => b.file?.endsWith('.test.ts'));
    expect(tests.length).toBeGreaterThan(0);
    const vitest = path.join(ROOT, 'node_modules/vitest/vitest.mjs');
    const { stdout } = await run(process.execPath, [vitest, 'run', '--root', dir, '--config', path.join(ROOT, 'vitest.config.ts')], { cwd: dir, env: { ...process.env, NO_COLOR: '1' } });
    expect(stdout).toMatch(new RegExp(`Test Files\\s+${tests.length} passed`));
  });

  it('they type-check against botyard (tsc)', async () => {
    writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ extends: path.join(ROOT, 'tsconfig.json'), include: ['**/*.ts'] }));
    const tsc = path.join(ROOT, 'node_modules/typescript/bin/tsc');
    const result = await run(process.execPath, [tsc, '--noEmit', '-p', path.join(dir, 'tsconfig.json')], { cwd: dir }).catch((e: { stdout: string }) => e);
    expect('stdout' in result ? result.stdout : '').toBe('');
  });
});
