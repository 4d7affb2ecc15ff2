/**
 * What tracing adds to one event's ingest path with no HTTP server in front, so the figure is not lost in
 * the noise of a shared machine: the hooks a webhook delivery runs (webhook span, ingest span, queue wait
 * at dispatch, and one handler span for each of four handlers) around an empty accept, this process's
 * CPU per event, for tracing off, on at the default sampler (its cap of new traces a second is spent
 * within the first milliseconds), at 5% and for every event. Spans are exported over OTLP/HTTP to the
 * stand-in collector in its own process, as in the ingest bench. Variants alternate in one process. Not part of
 * `npm run bench`.
 *
 *   npx tsx bench/ingest/trace-cost.ts [events=50000] [rounds=3]
 */
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import type { InboundEvent } from '../../src/adapters/adapter.ts';
import { DEFAULT_MAX_TRACES_PER_SECOND, DEFAULT_SAMPLE_RATIO, type SamplerName } from '../../src/telemetry/sampler.ts';
import { startTracing, type Tracing } from '../../src/telemetry/setup.ts';
import { handoff, traceDispatch, traceHandler, traceIngest, traceWebhook } from '../../src/telemetry/spans.ts';
import { startNode } from '../lib/proc.ts';

const N = Number(process.argv[2] ?? 50_000);
const rounds = Number(process.argv[3] ?? 3);
const sink = startNode('bench/lib/otlp-sink.ts', { cpu: 1 });
const { url } = await sink.waitFor<{ url: string }>('ready');

/** ONLY=<name prefix>: run that variant alone (to profile it). */
const only = process.env.ONLY;
type Variant = { name: string; sampler?: SamplerName; ratio?: number; cap?: number };
const variants = ([
  { name: 'off' },
  { name: 'default (cap)', sampler: 'parentbased_traceidratio', ratio: DEFAULT_SAMPLE_RATIO, cap: DEFAULT_MAX_TRACES_PER_SECOND },
  { name: '5%', sampler: 'parentbased_traceidratio', ratio: 0.05 },
  { name: 'every event', sampler: 'parentbased_always_on' },
] satisfies Variant[] as Variant[]).filter((v) => !only || v.name.startsWith(only));

const HANDLERS = ['welcome', 'moderation', 'reminders', 'assistant'];
const event = (i: number) => ({ id: `e${i}`, type: 'message.new', platform: 'stream', conversation: { platform: 'stream', id: `c${i % 100}` }, sender: { id: 'kim' } }) as InboundEvent;

async function one(i: number): Promise<void> {
  const e = event(i);
  await traceWebhook('stream', 'POST', '/webhooks/stream', (scope) => handoff(scope, () => traceIngest(e, async () => 'accepted' as const)).then(() => 200));
  await traceDispatch(e, 1, async () => undefined);
  // The example bots' handlers that hear a message.new (the ingest bench's events match no bot's reply).
  for (const bot of HANDLERS) await traceHandler(bot, 'onMessage', e, 1, async () => undefined);
}

const cpuUs = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
const results = new Map<string, number[]>();
try {
  for (let r = 0; r < rounds + 1; r++) {
    for (const v of variants) {
      let tracing: Tracing | undefined;
      if (v.sampler) tracing = startTracing({ exporter: new OTLPTraceExporter({ url: `${url}/v1/traces` }), sampler: v.sampler, sampleRatio: v.ratio ?? 1, ...(v.cap ? { maxTracesPerSecond: v.cap } : {}) });
      const c0 = cpuUs();
      for (let i = 0; i < N; i++) await one(i);
      await tracing?.shutdown(); // exports what is left: its cost is the variant's
      const us = (cpuUs() - c0) / N;
      if (r === 0) continue; // warm-up
      (results.get(v.name) ?? results.set(v.name, []).get(v.name)!).push(us);
      console.log(`${v.name.padEnd(14)} round ${r}: ${us.toFixed(2)} µs per event`);
    }
  }
} finally {
  await sink.stop();
}
for (const [name, list] of results) console.log(`${name.padEnd(14)} ${list.map((x) => x.toFixed(2)).join(' | ')} µs per event`);
