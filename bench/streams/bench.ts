/**
 * Benchmark 5: many streamed replies at once stay within the configured update rate.
 *
 * One handler starts N concurrent `ctx.stream()` replies in one Stream channel (a source each, a word
 * every `wordMs`, for `seconds`); the runtime talks to the Stream emulator through the real adapter.
 * Every message update the emulator receives is timed (its change feed), split into partial updates
 * and final ones (a message's last update), and the busiest 1 s, 10 s and 60 s windows of partial
 * updates are compared with what the configuration allows there: burst + rate × window. The configuration is the
 * baseline; figures are ratios to it.
 *
 *   node --import tsx bench/streams/bench.ts [streams] [seconds]    # alone; `npm run bench -- streams` in the suite
 */
import { pathToFileURL } from 'node:url';
import { createStreamAdapter } from '../../src/adapters/stream/index.ts';
import { loadConfig } from '../../src/config/load.ts';
import { startStreamEmulator } from '../../src/emulator/stream/index.ts';
import { defineBot } from '../../src/index.ts';
import { silentLogger } from '../../src/runtime/log.ts';
import { createRuntime } from '../../src/runtime/runtime.ts';
import { quantile, round, sleep } from '../lib/stats.ts';

export interface StreamsResult {
  streams: number;
  seconds: number;
  wordMs: number;
  perMinute: number;
  intervalMs: number;
  partialUpdates: number;
  finalUpdates: number;
  /** Busiest windows of partial updates, and what the configuration allows in each (burst + rate × window). */
  windows: Array<{ ms: number; observed: number; allowed: number; ratio: number }>;
  /** Partial updates per stream: median, min, max. */
  perStream: { median: number; min: number; max: number };
  /** The whole run's partial updates per minute. */
  observedPerMinute: number;
  /** From a stream's source ending to its final text at the emulator, ms, over `streams` streams (matched by message id). */
  finalLagMs: { p50: number; p99: number; max: number; streams: number };
  /** Sources the reader stopped taking before they ended (none expected: each source fits the length cut). */
  sourcesCut: number;
  completed: number;
}

const busiest = (times: number[], windowMs: number) => {
  let best = 0;
  for (let lo = 0, hi = 0; hi < times.length; hi++) {
    while (times[hi]! - times[lo]! >= windowMs) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
};

export async function benchStreams(opts: { streams?: number; seconds?: number; wordMs?: number; perMinute?: number; intervalMs?: number; log: (s: string) => void }): Promise<StreamsResult> {
  const { streams = 50, seconds = 70, wordMs = 50, perMinute = 600, intervalMs = 500 } = opts;
  const emu = await startStreamEmulator();
  const adapter = createStreamAdapter({ apiKey: emu.apiKey, apiSecret: emu.apiSecret, baseUrl: emu.url, bot: { id: 'botyard', name: 'Botyard' } });
  const sourceEnded = new Map<string, number>();
  const updates = new Map<string, number[]>();
  emu.on('event', (e) => {
    const m = e.message as { id?: string; ai_generated?: boolean } | undefined;
    if (e.type === 'message.updated' && m?.id && m.ai_generated) (updates.get(m.id) ?? updates.set(m.id, []).get(m.id)!).push(performance.now());
  });
  let completed = 0;
  /** Sources the stream stopped reading before they ended (ctx.stream's length cut): no end to time from. */
  let sourcesCut = 0;
  const bot = defineBot({
    name: 'many',
    setup(b) {
      b.onMention(async (ctx) => {
        const until = performance.now() + seconds * 1000;
        await Promise.all(
          Array.from({ length: streams }, async (_, i) => {
            // Short words: a 70 s source (1,400 words) stays under ctx.stream's 5,000-character cut, where the
            // reader would stop taking it (and end the stream early) before the source ends.
            async function* words() {
              for (let n = 0; performance.now() < until; n++) {
                await sleep(wordMs);
                yield `${i % 10}${n % 10} `;
              }
            }
            const ended = { at: 0, cut: true };
            const reply = await ctx.stream(
              (async function* () {
                yield* words();
                ended.at = performance.now();
                ended.cut = false;
              })(),
              { parentId: null },
            );
            if (ended.cut) sourcesCut++;
            else sourceEnded.set(reply.id, ended.at);
            if (reply.outcome === 'complete') completed++;
          }),
        );
      });
    },
  });
  const config = await loadConfig({ env: {}, config: { handlerTimeoutMs: (seconds + 120) * 1000, streaming: { updateIntervalMs: intervalMs, partialUpdatesPerMinute: perMinute } } });
  const runtime = await createRuntime({ config, adapters: [adapter], bots: [bot], log: silentLogger, startSchedules: false });
  await runtime.start();
  try {
    await adapter.client.upsertUsers([{ id: 'kim' }]);
    await adapter.client.channel('messaging', 'bench', { created_by_id: 'kim', members: ['kim', 'botyard'] } as never).create();
    opts.log(`streams: ${streams} streams × ${seconds} s in one channel, ${perMinute} partial updates/min allowed, ≥ ${intervalMs} ms apart per stream`);
    const conversation = { platform: 'stream' as const, id: 'messaging:bench' };
    await runtime.ingest({ id: 'bench-mention', type: 'message.new', platform: 'stream', conversation, sender: { id: 'kim' }, occurredAt: new Date().toISOString(), raw: {}, message: { id: 'q', text: '@Botyard go', user: { id: 'kim' }, attachments: [], mentions: [{ id: 'botyard' }], data: {} } });
    await runtime.idle();
  } finally {
    await runtime.stop();
    await emu.close();
  }
  const partialTimes: number[] = [];
  const perStream: number[] = [];
  const lags: number[] = [];
  for (const [id, times] of updates) {
    partialTimes.push(...times.slice(0, -1));
    perStream.push(times.length - 1);
    const ended = sourceEnded.get(id);
    if (ended !== undefined) lags.push(times.at(-1)! - ended);
  }
  partialTimes.sort((a, b) => a - b);
  const burst = Math.max(1, Math.floor(perMinute / 60));
  const windows = [1000, 10_000, 60_000].filter((ms) => ms <= seconds * 1000).map((ms) => {
    const observed = busiest(partialTimes, ms);
    const allowed = burst + (perMinute * ms) / 60_000;
    return { ms, observed, allowed, ratio: round(observed / allowed, 2) };
  });
  const span = partialTimes.length > 1 ? partialTimes.at(-1)! - partialTimes[0]! : 0;
  const result: StreamsResult = {
    streams,
    seconds,
    wordMs,
    perMinute,
    intervalMs,
    partialUpdates: partialTimes.length,
    finalUpdates: updates.size,
    windows,
    perStream: { median: quantile(perStream, 0.5), min: Math.min(...perStream), max: Math.max(...perStream) },
    observedPerMinute: span ? round((partialTimes.length / span) * 60_000) : 0,
    finalLagMs: { p50: round(quantile(lags, 0.5)), p99: round(quantile(lags, 0.99)), max: round(Math.max(...lags)), streams: lags.length },
    sourcesCut,
    completed,
  };
  const busy = windows.map((w) => `${w.ms / 1000} s ${w.observed}/${w.allowed}`).join(', ');
  opts.log(`streams: ${result.partialUpdates} partial + ${result.finalUpdates} final updates; busiest windows (observed/allowed) ${busy}; ${result.observedPerMinute}/min over the run; per stream ${result.perStream.min}–${result.perStream.max}; final lag p99 ${result.finalLagMs.p99} ms over ${result.finalLagMs.streams} streams${sourcesCut ? ` (${sourcesCut} sources cut short)` : ''}; ${completed}/${streams} complete`);
  return result;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [streams, seconds] = process.argv.slice(2).map(Number);
  const result = await benchStreams({ ...(streams ? { streams } : {}), ...(seconds ? { seconds } : {}), log: (s) => console.log(`[bench] ${s}`) });
  console.log(JSON.stringify(result, null, 2));
}
