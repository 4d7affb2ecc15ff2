/**
 * `npm run bench`: every benchmark, one after the other, then bench/results/*.json and BENCHMARKS.md.
 * `npm run bench -- ingest latency` runs only those (the report keeps the last results of the others, and says which sections were run again after the full run).
 * `npm run bench -- --quick [names]`: one short round of each, to check the benchmarks themselves run;
 * its figures are not for BENCHMARKS.md (the report says so).
 *
 * src/ is compiled first, so `botyard start` runs dist/ as in production (bin/botyard.js falls back to
 * src/ through tsx when dist/ is older, which would measure the TypeScript loader too).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { benchAcs } from './acs/bench.ts';
import { benchBeforeSend } from './before-send/bench.ts';
import { benchFootprint } from './footprint/bench.ts';
import { benchIngest } from './ingest/bench.ts';
import { benchLatency } from './latency/bench.ts';
import { benchLimits } from './limits/bench.ts';
import { machine } from './lib/machine.ts';
import { benchStreams } from './streams/bench.ts';
import { ROOT, startNode } from './lib/proc.ts';
import { readRun, writeReport } from './lib/report.ts';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = new Set(args.filter((a) => !a.startsWith('--')));
const wanted = (name: string) => only.size === 0 || only.has(name);
const dir = path.join(ROOT, quick ? 'bench/results/quick' : 'bench/results');
mkdirSync(dir, { recursive: true });
const save = (name: string, data: unknown) => writeFileSync(path.join(dir, `${name}.json`), `${JSON.stringify(data, null, 2)}\n`);
const log = (s: string) => console.log(`[bench] ${s}`);
const started = performance.now();

log('compiling src/ to dist/');
execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'inherit' });
// A run of some benchmarks only keeps the full run's header (machine.json, run.json) and is listed in
// run.json's `later`: the report then says which sections came from which run.
const previousRun = only.size ? readRun(dir) : undefined;
const thisMachine = { ...machine(), ...(quick ? { quick: true } : {}) };
if (!previousRun) save('machine', thisMachine);
const emulator = startNode('bench/lib/stream-emulator.ts', { cpu: 1 });
try {
  const { env } = await emulator.waitFor<{ env: Record<string, string> }>('ready');
  if (wanted('ingest')) save('ingest', await benchIngest({ streamEnv: env, log, ...(quick ? { rounds: 1, durationS: 2, warmupS: 2 } : {}) }));
  if (wanted('footprint')) save('footprint', await benchFootprint({ streamEnv: env, log, ...(quick ? { runs: 1 } : {}) }));
  if (wanted('before-send')) save('before-send', await benchBeforeSend({ streamEnv: env, log }));
} finally {
  await emulator.stop();
}
if (wanted('latency')) save('latency', await benchLatency({ log, ...(quick ? { rounds: 1 } : {}) }));
if (wanted('acs')) save('acs', await benchAcs({ log, ...(quick ? { windows: 1 } : {}) }));
if (wanted('streams')) save('streams', await benchStreams({ log }));
if (wanted('limits')) save('limits', await benchLimits({ log, ...(quick ? { limitPerMinute: 120, offeredPerMinute: 400, offerSeconds: 15 } : {}) }));
const all = ['ingest', 'footprint', 'before-send', 'latency', 'acs', 'streams', 'limits'];
const seconds = Math.round((performance.now() - started) / 1000);
if (previousRun) {
  const later = (previousRun.later ?? []).filter((l) => !l.benchmarks.every((b) => only.has(b)));
  save('run', { ...previousRun, later: [...later, { benchmarks: [...only], date: thisMachine.date, seconds, node: thisMachine.node, cpu: thisMachine.cpu }] });
} else {
  save('run', { seconds, benchmarks: only.size ? [...only] : all, quick });
}
writeReport(dir, path.join(ROOT, quick ? 'bench/results/quick/BENCHMARKS.md' : 'BENCHMARKS.md'));
log(`done in ${Math.round((performance.now() - started) / 1000)} s; wrote ${path.relative(ROOT, dir)}/*.json and ${quick ? 'bench/results/quick/BENCHMARKS.md' : 'BENCHMARKS.md'}`);
