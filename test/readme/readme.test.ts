/**
 * Every TypeScript example in README.md runs as printed. Each names the file it is after its language
 * (```ts file=bots/hello.ts: the rendered page shows only the code); the test writes them all into one
 * scratch project, then `botyard check` loads the bots and bot.config.ts with no problem, vitest runs
 * the test files, and tsc type-checks them all against botyard's source.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/command.ts';
import { main } from '../../src/cli/main.ts';
import { readmeBlocks, type CodeBlock } from './blocks.ts';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const blocks = readmeBlocks(readFileSync(path.join(ROOT, 'README.md'), 'utf8'));
const typescript = blocks.filter((b) => b.lang === 'ts' || b.lang === 'typescript');
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
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('README.md examples', () => {
  it('has TypeScript examples, each naming the file it is, each file once', () => {
    expect(typescript.length).toBeGreaterThanOrEqual(4);
    const unnamed = typescript.filter((b) => !b.file).map((b: CodeBlock) => `README.md:${b.line}`);
    expect(unnamed, 'write each TypeScript example as a whole file and name it after the language: ```ts file=bots/x.ts').toEqual([]);
    const files = typescript.map((b) => b.file);
    expect(new Set(files).size, 'two examples claim the same file').toBe(files.length);
  });

  it('the bots and bot.config.ts load with no problem (botyard check)', async () => {
    const out: string[] = [];
    const io: CliIo = { out: (l) => void out.push(l), err: (l) => void out.push(l), env: {}, cwd: dir };
    const code = await main(['check'], io);
    expect(out.join('\n'), out.join('\n')).not.toContain('✗');
    expect(code).toBe(0);
    const bots = typescript.filter((b) => b.file?.startsWith('bots/')).length;
    expect(out.at(-1)).toBe(`${bots} bot(s) ok, 0 problem(s)`);
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
