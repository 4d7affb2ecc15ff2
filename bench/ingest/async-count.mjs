// Preloaded (node --import) into `botyard start` by bench/ingest/async-count.ts: counts the async resources
// (promises, ticks, immediates, timers) the process creates between two SIGUSR1s, and where promises,
// ticks and immediates come from (top three frames), then writes them to stderr as `COUNTS` lines.
import { createHook } from 'node:async_hooks';

let counting = false;
const counts = new Map();
const where = new Map();
Error.stackTraceLimit = 12;
createHook({
  init(_id, type) {
    if (!counting) return;
    counts.set(type, (counts.get(type) ?? 0) + 1);
    if (type !== 'PROMISE' && type !== 'TickObject' && type !== 'Immediate') return;
    const frames = new Error().stack.split('\n').slice(2).filter((l) => !l.includes('node:internal/async_hooks') && !l.includes('async-count')).slice(0, 3);
    const key = `${type} <- ${frames.map((l) => l.trim().replace(/^at /, '')).join(' <- ')}`;
    where.set(key, (where.get(key) ?? 0) + 1);
  },
}).enable();

process.on('SIGUSR1', () => {
  if (!counting) {
    counts.clear();
    where.clear();
    counting = true;
    return;
  }
  counting = false;
  process.stderr.write(`COUNTS ${JSON.stringify(Object.fromEntries(counts))}\n`);
  for (const [key, n] of [...where].sort((a, b) => b[1] - a[1])) process.stderr.write(`COUNTS ${String(n).padStart(6)} ${key}\n`);
});
