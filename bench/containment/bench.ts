/**
 * What containment costs. Each variant runs in a fresh process (AsyncLocalStorage, once used, turns on
 * promise hooks for the whole process on Node 20, so variants sharing a process would measure each
 * other), several rounds, median reported:
 *   A. one handler run: the bare timeout race that runHandler replaced, runHandler as built (scope,
 *      in-flight registry, first-slice timing), and runHandler with exact stall attribution on
 *      (async_hooks before/after around every callback);
 *   B. one `await` anywhere in the process (ingest, outbound, SDKs): with no AsyncLocalStorage, with
 *      it (what the handler scope costs everyone), and with the exact-attribution hook on top;
 *   C. worker-thread isolation per bot: a message round trip to a worker (every Context verb would be
 *      one), a worker's start time and memory, bare and with stream-chat loaded.
 *
 *   npx tsx bench/containment/bench.ts [--quick]   → a table; bench/results/containment.json
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

const self = fileURLToPath(import.meta.url);
const ROOT = path.resolve(path.dirname(self), '../..');
const quick = process.argv.includes('--quick');
const modeArg = process.argv.indexOf('--mode');

const handler = async () => {
  for (let i = 0; i < 3; i++) await Promise.resolve();
};

/** The runner before containment: timeout race and an AbortController, nothing else. */
async function bareRun(invoke: (signal: AbortSignal) => unknown, timeoutMs: number) {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const work = Promise.resolve().then(() => invoke(controller.signal));
  const timeout = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), timeoutMs)));
  try {
    await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function nsPerOp(n: number, op: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await op();
  return Number(process.hrtime.bigint() - started) / n;
}

/** One variant, in this (fresh) process: median ns per op over rounds. */
async function measure(mode: string): Promise<number> {
  const [{ runHandler }, { createLoopMonitor }, { silentLogger }, { AsyncLocalStorage }] = await Promise.all([
    import('../../src/runtime/run-handler.ts'),
    import('../../src/runtime/loop-monitor.ts'),
    import('../../src/runtime/log.ts'),
    import('node:async_hooks'),
  ]);
  if (mode.endsWith('-exact')) createLoopMonitor({ warnMs: 500, exact: true, log: silentLogger }).start();
  if (mode === 'await-als') new AsyncLocalStorage().run({}, () => undefined);
  const runs = quick ? 5_000 : 50_000;
  const awaits = quick ? 200_000 : 2_000_000;
  const op: () => Promise<number> = mode.startsWith('await')
    ? () => nsPerOp(awaits, () => Promise.resolve(1))
    : mode === 'handler-bare'
      ? () => nsPerOp(runs, () => bareRun(handler, 30_000))
      : () => nsPerOp(runs, () => runHandler({ bot: 'b', label: 'l', timeoutMs: 30_000, invoke: handler }));
  const samples: number[] = [];
  for (let r = 0; r < 5; r++) samples.push(await op());
  return samples.sort((a, b) => a - b)[2]!;
}

if (modeArg > 0) {
  console.log(JSON.stringify({ ns: await measure(process.argv[modeArg + 1]!) }));
  process.exit(0);
}

const MODES = ['handler-bare', 'handler-run', 'handler-exact', 'await-plain', 'await-als', 'await-exact'] as const;
const ns: Record<string, number> = {};
for (const mode of MODES) {
  const out = execFileSync(process.execPath, ['--import', 'tsx', self, '--mode', mode, ...(quick ? ['--quick'] : [])], { cwd: ROOT, encoding: 'utf8' });
  ns[mode] = Math.round(JSON.parse(out.trim().split('\n').pop()!).ns);
}

// C. worker isolation, in this process.
const echo = new Worker(`require('node:worker_threads').parentPort.on('message', (m) => require('node:worker_threads').parentPort.postMessage(m));`, { eval: true });
const trips = quick ? 2_000 : 20_000;
const t0 = process.hrtime.bigint();
for (let i = 0; i < trips; i++) {
  await new Promise<void>((resolve) => {
    echo.once('message', () => resolve());
    echo.postMessage({ verb: 'send', conversation: 'stream:messaging:general', message: { text: 'hello' } });
  });
}
const roundTripUs = Math.round(Number(process.hrtime.bigint() - t0) / trips / 100) / 10;
await echo.terminate();

async function workerCost(code: string): Promise<{ startMs: number; rssMb: number }> {
  const before = process.memoryUsage().rss;
  const started = performance.now();
  const w = new Worker(code, { eval: true });
  await new Promise((resolve) => w.once('message', resolve));
  const cost = { startMs: Math.round(performance.now() - started), rssMb: Math.round((process.memoryUsage().rss - before) / 1e6) };
  await w.terminate();
  return cost;
}
const bareWorker = await workerCost(`require('node:worker_threads').parentPort.postMessage('up')`);
const sdkWorker = await workerCost(`import('stream-chat').then(() => require('node:worker_threads').parentPort.postMessage('up'))`);

const results = { quick, node: process.version, ns, worker: { roundTripUs, bare: bareWorker, withStreamChat: sdkWorker } };
console.table({
  'handler run: bare timeout race (ns)': ns['handler-bare'],
  'handler run: runHandler (ns)': ns['handler-run'],
  'handler run: runHandler + exact hook (ns)': ns['handler-exact'],
  'one await: no AsyncLocalStorage (ns)': ns['await-plain'],
  'one await: AsyncLocalStorage in use (ns)': ns['await-als'],
  'one await: + exact hook (ns)': ns['await-exact'],
  'worker round trip (µs)': roundTripUs,
  'worker start / RSS, bare (ms / MB)': `${bareWorker.startMs} / ${bareWorker.rssMb}`,
  'worker start / RSS, stream-chat loaded (ms / MB)': `${sdkWorker.startMs} / ${sdkWorker.rssMb}`,
});
writeFileSync(path.join(ROOT, 'bench/results/containment.json'), `${JSON.stringify(results, null, 2)}\n`);
