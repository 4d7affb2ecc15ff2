/**
 * `npm run bench`: every benchmark, one after the other, then bench/results/*.json and BENCHMARKS.md.
 * `npm run bench -- ingest latency` runs only those (the report keeps the last results of the others).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { benchAcs } from './acs/bench.ts';
import { benchBeforeSend } from './before-send/bench.ts';
import { benchFootprint } from './footprint/bench.ts';
import { benchIngest } from './ingest/bench.ts';
import { benchLatency } from './latency/bench.ts';
import { machine } from './lib/machine.ts';
import { benchStreams } from './streams/bench.ts';
import { ROOT, startNode } from './lib/proc.ts';
import { writeReport } from './lib/report.ts';

const only = new Set(process.argv.slice(2));
const wanted = (name: string) => only.size === 0 || only.has(name);
const dir = path.join(ROOT, 'bench/results');
mkdirSync(dir, { recursive: true });
const save = (name: string, data: unknown) => writeFileSync(path.join(dir, `${name}.json`), `${JSON.stringify(data, null, 2)}\n`);
const log = (s: string) => console.log(`[bench] ${s}`);
const started = performance.now();

save('machine', machine());
const emulator = startNode('bench/lib/stream-emulator.ts', { cpu: 1 });
try {
  const { env } = await emulator.waitFor<{ env: Record<string, string> }>('ready');
  if (wanted('ingest')) save('ingest', await benchIngest({ streamEnv: env, log }));
  if (wanted('footprint')) save('footprint', await benchFootprint({ streamEnv: env, log }));
  if (wanted('before-send')) save('before-send', await benchBeforeSend({ streamEnv: env, log }));
} finally {
  await emulator.stop();
}
if (wanted('latency')) save('latency', await benchLatency({ log }));
if (wanted('acs')) save('acs', await benchAcs({ log }));
if (wanted('streams')) save('streams', await benchStreams({ log }));
save('run', { seconds: Math.round((performance.now() - started) / 1000), benchmarks: only.size ? [...only] : ['ingest', 'footprint', 'before-send', 'latency', 'acs', 'streams'] });
writeReport(dir, path.join(ROOT, 'BENCHMARKS.md'));
log(`done in ${Math.round((performance.now() - started) / 1000)} s; wrote bench/results/*.json and BENCHMARKS.md`);
