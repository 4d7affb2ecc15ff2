// Compiles src/ to dist/ (run by `npm run build`, and by `prepare` on every install), so
// `botyard start` runs plain JavaScript: no TypeScript loader in the process, faster start, less memory.
import { execFileSync } from 'node:child_process';
import { cpSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
rmSync('dist', { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
cpSync('src/console/public', 'dist/console/public', { recursive: true });
// bin/botyard.js runs dist/ only while this stamp is newer than every file in src/.
writeFileSync('dist/.built', `${new Date().toISOString()}\n`);
