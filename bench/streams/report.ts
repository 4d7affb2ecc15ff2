/** The BENCHMARKS.md section and target line of benchmark 5 (streamed replies). */
import type { StreamsResult } from './bench.ts';

export function streamsSection(x: StreamsResult): { lines: string[]; target: string } {
  const lines = [
    '## 5. Streamed replies',
    '',
    `One handler starts ${x.streams} concurrent \`ctx.stream()\` replies in one Stream channel (each source yields a word every ${x.wordMs} ms for ${x.seconds} s); the runtime and the Stream emulator share one process. Configured: ${x.perMinute} partial updates/min for all streams together (a second's worth of burst), at least ${x.intervalMs} ms apart per stream. The baseline is that configuration: each window's allowance is burst + rate × window.`,
    '',
    '| window | busiest observed | allowed | observed / allowed |',
    '|---|---|---|---|',
    ...x.windows.map((w) => `| ${w.ms / 1000} s | ${w.observed} | ${w.allowed} | ${w.ratio} |`),
    '',
    `${x.partialUpdates} partial and ${x.finalUpdates} final updates (${x.observedPerMinute}/min partial over the run); partial updates per stream ${x.perStream.median} median (${x.perStream.min}–${x.perStream.max}): streams take turns. From a source's end to its final text at the emulator (${x.finalLagMs.streams} streams, matched by message id): p50 ${x.finalLagMs.p50} ms, p99 ${x.finalLagMs.p99} ms, max ${x.finalLagMs.max} ms${x.sourcesCut ? `; ${x.sourcesCut} sources were cut at the length limit before they ended` : ''}. ${x.completed}/${x.streams} streams completed.`,
    '',
  ];
  const worst = Math.max(...x.windows.map((w) => w.ratio));
  return { lines, target: `| ${x.streams} concurrent streams stay within the configured update rate (busiest window / allowance ≤ 1) | ${worst} | ${worst <= 1 ? '**met**' : '**not met**'} |` };
}
