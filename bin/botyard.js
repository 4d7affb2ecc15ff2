#!/usr/bin/env node
// Runs botyard from dist/ (prebuilt in a published package, compiled on install in a checkout) when it
// is at least as new as src/; otherwise from src/ through tsx, so a checkout being edited never runs
// stale code. A published package has no src/: it always runs dist/. BOTYARD_FROM_SOURCE=1 forces src/.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The newest modification time of any file under `dir`. */
function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = `${dir}/${entry.name}`;
    latest = Math.max(latest, entry.isDirectory() ? newest(full) : statSync(full).mtimeMs);
  }
  return latest;
}

const stamp = `${root}dist/.built`;
const hasSource = existsSync(`${root}src`);
if (!existsSync(stamp) && !hasSource) {
  process.stderr.write(`botyard: ${root} has no dist/ (an interrupted install?). Fix: reinstall it (npm install botyard), or clear npx's copy (npm cache clean --force) and run npx again.\n`);
  process.exit(1);
}
const compiled = process.env.BOTYARD_FROM_SOURCE !== '1' && existsSync(stamp) && (!hasSource || newest(`${root}src`) <= statSync(stamp).mtimeMs);

let main;
if (compiled) {
  ({ main } = await import('../dist/cli/main.js'));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
}
// Exit as soon as the command is done: a command that failed (say, wrong credentials at start) must not
// hang on a socket or timer some library left open.
process.exit(await main(process.argv.slice(2)));
