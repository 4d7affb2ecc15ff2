#!/usr/bin/env node
// `npm create botyard@latest <folder> [-- --botyard <spec>] [--force]`: writes a botyard project.
import path from 'node:path';
import { scaffold } from './scaffold.js';

const args = process.argv.slice(2);
const flags = new Map();
const words = [];
for (let i = 0; i < args.length; i++) {
  const arg = args[i];
  if (arg === '--force' || arg === '--help' || arg === '-h') flags.set(arg.replace(/^-+/, ''), true);
  else if (arg.startsWith('--')) {
    const [key, inline] = arg.slice(2).split('=', 2);
    flags.set(key, inline ?? args[++i]);
  } else words.push(arg);
}

if (flags.has('help') || flags.has('h') || words.length !== 1) {
  const out = flags.has('help') || flags.has('h') ? process.stdout : process.stderr;
  out.write('Usage: npm create botyard@latest <folder> [-- --botyard <version | path/to/botyard.tgz>] [--force]\n\nExample:\n  npm create botyard@latest my-bots\n');
  process.exit(flags.has('help') || flags.has('h') ? 0 : 2);
}

try {
  const result = scaffold({ dir: path.resolve(words[0]), botyard: flags.get('botyard'), force: flags.get('force') === true });
  for (const file of result.written) process.stdout.write(`created ${path.join(words[0], file)}\n`);
  for (const file of result.kept) process.stdout.write(`kept    ${path.join(words[0], file)} (already there)\n`);
  process.stdout.write(`\nNext:\n  cd ${words[0]}\n  npm install\n  npm run dev    # emulators + your bots + a console at http://localhost:3000/\n  npm test       # your bots' tests\n`);
} catch (err) {
  process.stderr.write(`create-botyard: ${err.message}\n`);
  process.exit(1);
}
