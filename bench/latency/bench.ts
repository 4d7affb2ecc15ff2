/**
 * Benchmark 2: reply latency. The sender+emulator process (CPU 1) posts signed webhooks at a fixed
 * rate to (1) botyard start with the example bots (CPU 0) and (2) the direct baseline (CPU 0): the
 * same three SDK round trips with no runtime in between. Overhead = botyard − direct, per percentile.
 */
import { startBotyard } from '../lib/botyard.ts';
import { undisturbed, worst, type Disturbance } from '../lib/disturbance.ts';
import { startNode } from '../lib/proc.ts';
import { round, spread, type Spread } from '../lib/stats.ts';

export const RATES = [
  { rate: 100, durationS: 4 },
  { rate: 500, durationS: 3 },
  { rate: 1000, durationS: 3 },
];

interface RunStats { p50: number; p99: number; max: number; replies: number; sent: number; missing: number; receiverCpuUsPerEvent?: number; emulatorCpuUsPerEvent?: number; disturbance?: Disturbance }
interface Side { p50: Spread; p99: Spread; missing: number; cpuUsPerEvent: Spread; emulatorCpuUsPerEvent: Spread; disturbance: Disturbance }
export interface LatencyResult {
  rates: Array<{ rate: number; durationS: number; botyard: Side; direct: Side; overheadP50: number; overheadP99: number }>;
}

export async function benchLatency(opts: { rounds?: number; log: (s: string) => void }): Promise<LatencyResult> {
  const rounds = opts.rounds ?? 3;
  const sender = startNode('bench/latency/sender.ts', { cpu: 1 });
  const { env } = await sender.waitFor<{ env: Record<string, string> }>('ready');
  const botyard = await startBotyard(env, 0, { config: 'bench/latency/bot.config.ts' });
  const direct = startNode('bench/latency/direct-server.ts', { cpu: 0, env });
  const { port } = await direct.waitFor<{ port: number }>('ready');
  const targets = { botyard: `${botyard.url}/webhooks/stream`, direct: `http://127.0.0.1:${port}/webhooks/stream` };
  const runs: Record<string, RunStats[]> = {};
  try {
    // Warm-up: JIT and connection pools of both receivers and of the emulator.
    await sender.request('prepare', { count: 400 });
    for (const url of Object.values(targets)) await sender.request('run', { url, rate: 200, durationS: 1 });
    for (let r = 0; r < rounds; r++) {
      for (const { rate, durationS } of RATES) {
        for (const [name, url] of Object.entries(targets)) {
          const receiver = name === 'botyard' ? botyard.child : direct;
          const { result: s, disturbance } = await undisturbed(
            `latency ${name} @ ${rate}/s round ${r + 1}`,
            async () => {
              const c0 = receiver.cpuMs();
              const e0 = sender.cpuMs();
              const stats = await sender.request<RunStats>('run', { url, rate, durationS });
              stats.receiverCpuUsPerEvent = round(((receiver.cpuMs() - c0) * 1000) / stats.sent);
              stats.emulatorCpuUsPerEvent = round(((sender.cpuMs() - e0) * 1000) / stats.sent);
              return stats;
            },
            // Fresh questions for every try (a thrown-away try used its own).
            { log: opts.log, before: () => sender.request('prepare', { count: rate * durationS }) },
          );
          s.disturbance = disturbance;
          (runs[`${name}@${rate}`] ??= []).push(s);
          opts.log(`latency ${name} @ ${rate}/s round ${r + 1}: p50 ${round(s.p50, 2)} ms, p99 ${round(s.p99, 2)} ms, max ${round(s.max, 1)} ms, ${s.replies}/${s.sent} replies; CPU per event: receiver ${s.receiverCpuUsPerEvent} µs, sender+emulator ${s.emulatorCpuUsPerEvent} µs; others ${disturbance.othersPct}%${disturbance.disturbed ? ' DISTURBED' : ''}`);
        }
      }
    }
  } finally {
    await Promise.all([botyard.child.stop(), direct.stop(), sender.stop()]);
  }
  const summary = (list: RunStats[]) => ({
    cpuUsPerEvent: spread(list.map((x) => x.receiverCpuUsPerEvent!)),
    emulatorCpuUsPerEvent: spread(list.map((x) => x.emulatorCpuUsPerEvent!)),
    p50: spread(list.map((x) => round(x.p50, 2))),
    p99: spread(list.map((x) => round(x.p99, 2))),
    missing: list.reduce((n, x) => n + x.missing, 0),
    disturbance: worst(list.map((x) => x.disturbance!)),
  });
  return {
    rates: RATES.map(({ rate, durationS }) => {
      const b = summary(runs[`botyard@${rate}`]!);
      const d = summary(runs[`direct@${rate}`]!);
      return { rate, durationS, botyard: b, direct: d, overheadP50: round(b.p50.median - d.p50.median, 2), overheadP99: round(b.p99.median - d.p99.median, 2) };
    }),
  };
}
