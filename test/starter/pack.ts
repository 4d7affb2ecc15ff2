/**
 * This repository as npm would publish it, for tests that install botyard somewhere else: `npm pack`
 * of botyard (dist/ prebuilt: from this checkout when its dist/ is current, else built in a scratch
 * copy so a test never rewrites the dist/ other tests run) and of create-botyard.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function newest(dir: string): number {
  let latest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    latest = Math.max(latest, e.isDirectory() ? newest(full) : statSync(full).mtimeMs);
  }
  return latest;
}

/** True when dist/ was built after the last change to src/ (what bin/botyard.js checks too). */
export function distIsCurrent(root = ROOT): boolean {
  const stamp = path.join(root, 'dist/.built');
  return existsSync(stamp) && newest(path.join(root, 'src')) <= statSync(stamp).mtimeMs;
}

/** `npm pack` in `dir` into `into`; resolves with the tarball's path. */
async function pack(dir: string, into: string): Promise<string> {
  const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--pack-destination', into], { cwd: dir, maxBuffer: 16 * 1024 * 1024 });
  return path.join(into, stdout.trim().split('\n').at(-1)!);
}

/** botyard-<version>.tgz with a current dist/. */
export async function packBotyard(into: string): Promise<string> {
  if (distIsCurrent()) return pack(ROOT, into);
  const copy = mkdtempSync(path.join(tmpdir(), 'botyard-pack-'));
  for (const entry of ['package.json', 'README.md', 'bin', 'src', 'scripts', 'tsconfig.json', 'tsconfig.build.json']) cpSync(path.join(ROOT, entry), path.join(copy, entry), { recursive: true });
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(copy, 'node_modules'), 'dir');
  await run(process.execPath, ['scripts/build.mjs'], { cwd: copy });
  return pack(copy, into);
}

/** create-botyard-<version>.tgz. */
export function packStarter(into: string): Promise<string> {
  return pack(path.join(ROOT, 'create-botyard'), into);
}
