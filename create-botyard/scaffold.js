/**
 * Writes a botyard project into a folder: package.json (botyard as a dependency; scripts dev, start,
 * test, check, typecheck), tsconfig, bot.config.ts, one bot with its test, vitest config, .gitignore.
 * Never overwrites a file; refuses a folder that is not empty unless `force`.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const TEMPLATE = path.join(here, 'template');
const OWN = JSON.parse(readFileSync(path.join(here, 'package.json'), 'utf8'));
// npm leaves files named .gitignore out of packages: the template's is `gitignore`, renamed on copy.
const RENAMED = { gitignore: '.gitignore' };

/** Template files, relative, in a stable order. */
function templateFiles(dir = TEMPLATE, prefix = '') {
  return readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name)).flatMap((e) =>
    e.isDirectory() ? templateFiles(path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
  );
}

/** `--botyard` as a package.json dependency spec: a .tgz path becomes `file:<absolute path>`. */
export function botyardSpec(given, cwd = process.cwd()) {
  if (!given) return `^${OWN.version}`;
  if (/\.t(ar\.)?gz$/.test(given) && !/^[a-z]+:/.test(given)) {
    const file = path.resolve(cwd, given);
    if (!existsSync(file)) throw new Error(`--botyard ${given}: no such file. Fix: run \`npm pack\` in a botyard checkout and pass the .tgz it printed`);
    return `file:${file}`;
  }
  return given;
}

/** An npm package name from the folder's name: lowercase, safe characters only. */
export function packageName(dir) {
  return path.basename(dir).toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[._-]+/, '') || 'my-bots';
}

export function packageJson(name, botyard) {
  return {
    name,
    version: '0.1.0',
    private: true,
    type: 'module',
    engines: { node: '>=20.19' },
    scripts: {
      dev: 'botyard dev',
      start: 'botyard start',
      test: 'vitest run',
      check: 'botyard check',
      typecheck: 'tsc --noEmit',
    },
    dependencies: { botyard },
    devDependencies: { '@types/node': '^20.19.0', typescript: '~5.9.0', vitest: '^4.1.0' },
    // npm 12 runs no dependency's install script unless it is allowed here (npm 11.16+ only warns): without
    // its build better-sqlite3, the default store, cannot load; esbuild (tsx loads the bots) and
    // msgpackr-extract (BullMQ's faster encoder) fetch or build their native parts the same way. stream-chat's
    // postinstall sets up git hooks in its own repository only: denied, so installs do not ask about it.
    allowScripts: { 'better-sqlite3': true, esbuild: true, 'msgpackr-extract': true, 'stream-chat': false },
  };
}

/** Writes the project; returns the files written and those kept because they existed. */
export function scaffold({ dir, botyard, force = false }) {
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new Error(`${dir} is a file. Fix: pick a folder name`);
  if (existsSync(dir) && readdirSync(dir).length && !force) throw new Error(`${dir} is not empty. Fix: pick a new folder, or add --force to add the missing files only`);
  mkdirSync(dir, { recursive: true });
  const written = [];
  const kept = [];
  const put = (rel, write) => {
    const target = path.join(dir, rel);
    if (existsSync(target)) return void kept.push(rel);
    mkdirSync(path.dirname(target), { recursive: true });
    write(target);
    written.push(rel);
  };
  put('package.json', (t) => writeFileSync(t, `${JSON.stringify(packageJson(packageName(dir), botyardSpec(botyard)), null, 2)}\n`));
  for (const rel of templateFiles()) put(RENAMED[rel] ?? rel, (t) => copyFileSync(path.join(TEMPLATE, rel), t));
  return { written, kept };
}
