/**
 * Benchmark: the before-send path under ingest load. `botyard start` with the example bots (the
 * moderation bot decides before-send; 10% of the messages carry a blocked word) on CPU 0. On CPU 1:
 * a fixed-rate sender of Before Message Send calls (200/s by default) and autocannon saturating
 * `POST /webhooks/stream` with message.new deliveries. Each round measures the decision latency Stream
 * would see (scheduled send → answer) twice, back to back: alone (the baseline of the same run) and
 * while ingest is saturated. The question: does p99 stay under the budget (1000 ms) when the runtime
 * is busiest, i.e. is the hook's path really beside the queue?
 */
import { startBotyard } from '../lib/botyard.ts';
import { storeConfig } from '../lib/stores.ts';
import { startNode } from '../lib/proc.ts';
import { round, sleep, spread, type Spread } from '../lib/stats.ts';

export interface BeforeSendPhase { p50: Spread; p99: Spread; max: Spread; errors: number; overBudget: number; sent: number; rejected: number }
export interface BeforeSendResult {
  rate: number;
  durationS: number;
  budgetMs: number;
  connections: number;
  alone: BeforeSendPhase;
  underIngest: BeforeSendPhase & { ingestRps: Spread };
}

type Run = { sent: number; answered: number; errors: number; rejected: number; p50: number; p99: number; max: number; overBudget: number };

function phase(runs: Run[]): BeforeSendPhase {
  return {
    p50: spread(runs.map((r) => r.p50)),
    p99: spread(runs.map((r) => r.p99)),
    max: spread(runs.map((r) => r.max)),
    errors: runs.reduce((n, r) => n + r.errors + (r.sent - r.answered), 0),
    overBudget: runs.reduce((n, r) => n + r.overBudget, 0),
    sent: runs.reduce((n, r) => n + r.sent, 0),
    rejected: runs.reduce((n, r) => n + r.rejected, 0),
  };
}

export async function benchBeforeSend(opts: { streamEnv: Record<string, string>; rounds?: number; durationS?: number; rate?: number; connections?: number; log: (s: string) => void }): Promise<BeforeSendResult> {
  const rounds = opts.rounds ?? 3;
  const durationS = opts.durationS ?? 5;
  const rate = opts.rate ?? 200;
  const connections = opts.connections ?? 64;
  const budgetMs = 1000;
  // Memory state, as this benchmark was first run: `start` now defaults to SQLite (bench/lib/stores.ts).
  const botyard = await startBotyard(3914, opts.streamEnv, 0, { config: storeConfig('memory') });
  const hooks = startNode('bench/before-send/hook-load.ts', { cpu: 1 });
  const ingest = startNode('bench/ingest/load.ts', { cpu: 1 });
  await Promise.all([hooks.waitFor('ready'), ingest.waitFor('ready')]);
  const hookRun = () => hooks.request<Run>('run', { url: `${botyard.url}/webhooks/stream/before-send`, rate, durationS, budgetMs, blockedShare: 0.1 });
  const alone: Run[] = [];
  const loaded: Run[] = [];
  const ingestRps: number[] = [];
  try {
    await hooks.request('run', { url: `${botyard.url}/webhooks/stream/before-send`, rate, durationS: 1, budgetMs, blockedShare: 0.1 }); // warm-up
    for (let r = 0; r < rounds; r++) {
      const a = await hookRun();
      alone.push(a);
      // Ingest first, so the hook calls start once autocannon has the server saturated, and end before it stops.
      const flood = ingest.request<{ rps: number }>('run', { url: `${botyard.url}/webhooks/stream`, durationS: durationS + 2, connections });
      await sleep(1000);
      const b = await hookRun();
      const f = await flood;
      loaded.push(b);
      ingestRps.push(Math.round(f.rps));
      opts.log(`before-send round ${r + 1}: alone p50 ${a.p50} / p99 ${a.p99} ms; under ${Math.round(f.rps)} ingest req/s p50 ${b.p50} / p99 ${b.p99} / max ${b.max} ms, ${b.errors} errors, ${b.overBudget} over ${budgetMs} ms`);
      await sleep(500);
    }
  } finally {
    await Promise.all([hooks.stop(), ingest.stop(), botyard.child.stop()]);
  }
  return { rate, durationS, budgetMs, connections, alone: phase(alone), underIngest: { ...phase(loaded), ingestRps: spread(ingestRps) } };
}

/** The BENCHMARKS.md section and target row for this benchmark. */
export function beforeSendReport(x: BeforeSendResult): { lines: string[]; target: string } {
  const s = (v: Spread) => `${v.median} (${v.min}–${v.max})`;
  const met = x.underIngest.p99.max < x.budgetMs && x.underIngest.errors === 0;
  return {
    lines: [
      '## Before-send decisions under ingest load',
      '',
      `\`botyard start\` with the example bots on CPU 0 (the moderation bot decides; 10% of messages carry a blocked word, so strikes are counted and message.rejected events queued). On CPU 1, a fixed-rate open-loop sender makes ${x.rate} signed Before Message Send calls/s, timed from each call's scheduled time to its answer, for ${x.durationS} s; **alone**, then while autocannon (${x.connections} connections) saturates \`POST /webhooks/stream\` with message.new deliveries. Budget: ${x.budgetMs} ms (Stream waits 1,500 ms by default).`,
      '',
      '| phase | p50 ms | p99 ms | max ms | answers over budget | errors |',
      '|---|---|---|---|---|---|',
      `| alone | ${s(x.alone.p50)} | ${s(x.alone.p99)} | ${s(x.alone.max)} | ${x.alone.overBudget} of ${x.alone.sent} | ${x.alone.errors} |`,
      `| ingest saturated (${s(x.underIngest.ingestRps)} req/s) | ${s(x.underIngest.p50)} | ${s(x.underIngest.p99)} | ${s(x.underIngest.max)} | ${x.underIngest.overBudget} of ${x.underIngest.sent} | ${x.underIngest.errors} |`,
      '',
    ],
    target: `| before-send p99 < ${x.budgetMs} ms at ${x.rate} calls/s with ingest saturated | ${round(x.underIngest.p99.median)} ms (worst round ${x.underIngest.p99.max}) | ${met ? '**met**' : '**not met**'} |`,
  };
}
