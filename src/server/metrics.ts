/**
 * Prometheus metrics (prom-client), one registry per runtime so that several runtimes in one
 * process (tests) never share counters. Node's default process metrics keep their standard names
 * (`process_cpu_seconds_total`, `nodejs_heap_size_used_bytes`, ...), so stock Node.js dashboards work.
 * To alert on: `botyard_dead_letters > 0`, `botyard_queue_depth` growing, `botyard_poller_lag_seconds`,
 * `rate(botyard_outbound_retries_total{status="429"}[5m])`, `rate(botyard_handler_runs_total{result="failed"}[5m])`.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { OutboundObserver } from '../outbound/outbound.ts';
import type { Runtime } from '../runtime/runtime.ts';
import { attachBeforeSendMetrics } from './before-send-metrics.ts';
import { attachContainmentMetrics } from './metrics-containment.ts';
import { spanTally } from '../telemetry/span-tally.ts';
import { talliedCounter } from './tallied-counter.ts';

/** The resolution of Node's default event-loop metrics (nodejs_eventloop_lag_{min,mean,p50,…}_seconds). */
export const EVENT_LOOP_SAMPLE_MS = 50;

export function createMetrics(options: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  // prom-client samples the loop every 10 ms by default: 100 wakeups a second, the largest share of
  // what an idle instance burns (~5 ms of CPU a second here, counted into every reply at 100 events/s).
  // 50 ms matches the stall watchdog (loop-monitor.ts); nodejs_eventloop_lag_seconds itself is measured
  // at scrape time either way.
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
  // Counted per webhook: tallied, and handed to prom-client at scrape time (tallied-counter.ts).
  const eventIn = talliedCounter({ name: 'botyard_events_in_total', help: 'Inbound events by platform and what ingest did with them', labelNames: ['platform', 'outcome'], registers: [registry] });
  const handlerRuns = new Counter({ name: 'botyard_handler_runs_total', help: 'Handler runs by bot and result', labelNames: ['bot', 'result'], registers: [registry] });
  const handlerSeconds = new Histogram({
    name: 'botyard_handler_duration_seconds',
    help: 'Handler run time by bot',
    labelNames: ['bot'],
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
    registers: [registry],
  });
  const outboundCalls = new Counter({ name: 'botyard_outbound_calls_total', help: 'Platform calls by platform, kind and outcome', labelNames: ['platform', 'kind', 'outcome'], registers: [registry] });
  const timerEvents = new Counter({ name: 'botyard_timers_total', help: 'One-off timers by bot and what happened: scheduled, cancelled, fired, skipped (late), retrying, failed', labelNames: ['bot', 'kind'], registers: [registry] });
  const outboundRetries = new Counter({ name: 'botyard_outbound_retries_total', help: 'Platform calls retried, by status (429 = rate limited)', labelNames: ['platform', 'kind', 'status'], registers: [registry] });

  const outboundSkipped = new Counter({ name: 'botyard_outbound_skipped_total', help: 'Platform calls not made because the platform does not support them there (ACS typing and receipts in threads of 21+)', labelNames: ['platform', 'kind', 'reason'], registers: [registry] });

  new Counter({
    name: 'botyard_trace_spans_total',
    help: 'Recorded spans (tracing on) by what became of them: exported; export_failed (the collector refused them or could not be reached); dropped (more ended than the exporter could send)',
    labelNames: ['outcome'],
    registers: [registry],
    collect() {
      // Process-wide totals (tracing is per process), handed over whole: a second runtime in the process reads the same.
      const t = spanTally();
      this.reset();
      this.inc({ outcome: 'exported' }, t.exported);
      this.inc({ outcome: 'export_failed' }, t.exportFailed);
      this.inc({ outcome: 'dropped' }, t.dropped);
    },
  });

  const outboundObserver: OutboundObserver = {
    call: (platform, kind, outcome) => outboundCalls.inc({ platform, kind, outcome }),
    retry: (platform, kind, error) => outboundRetries.inc({ platform, kind, status: String(error.status ?? 'network') }),
    skipped: (platform, kind, reason) => outboundSkipped.inc({ platform, kind, reason }),
  };

  return {
    registry,
    outboundObserver,
    /** Starts counting what `runtime` does; gauges are read at scrape time. */
    attach(runtime: Runtime): void {
      attachContainmentMetrics(registry, runtime);
      runtime.events.on('ingested', (event, outcome) => eventIn(event.platform, outcome));
      runtime.events.on('timer', (activity) => timerEvents.inc({ bot: activity.timer.bot, kind: activity.kind }));
      attachBeforeSendMetrics(registry, runtime);
      runtime.events.on('dispatched', (_event, runs) => {
        for (const run of runs) {
          if (run.skipped) continue;
          handlerRuns.inc({ bot: run.bot, result: run.error ? 'failed' : 'ok' });
          handlerSeconds.observe({ bot: run.bot }, run.ms / 1000);
        }
      });
      new Gauge({
        name: 'botyard_queue_depth',
        help: 'Events accepted and not yet handled',
        registers: [registry],
        async collect() {
          const depth = await bounded(() => runtime.queue.depth());
          if (depth !== undefined) this.set(depth);
        },
      });
      new Gauge({
        name: 'botyard_dead_letters',
        help: 'Events whose handlers failed every try and wait for `botyard replay` (all instances); alert when above 0',
        registers: [registry],
        async collect() {
          const { queue } = runtime;
          const count = await bounded(async () => (queue.deadLetterCount ? queue.deadLetterCount() : (await queue.deadLetters()).length));
          if (count !== undefined) this.set(count);
        },
      });
      new Gauge({
        name: 'botyard_poller_lag_seconds',
        help: 'Time since the ACS poller last completed a cycle',
        registers: [registry],
        collect() {
          const lag = runtime.adapterFor('acs')?.pollLagMs?.();
          if (lag !== undefined) this.set(lag / 1000);
        },
      });
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/**
 * A read for a gauge, given at most `ms`: with Redis away the value cannot be read, and a scrape that
 * hangs would lose every other metric exactly when operators need them. The gauge keeps its last value.
 */
async function bounded<T>(read: () => Promise<T>, ms = 1000): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const value = await Promise.race([read().catch(() => undefined), new Promise<undefined>((resolve) => (timer = setTimeout(resolve, ms, undefined)))]);
  clearTimeout(timer);
  return value;
}
