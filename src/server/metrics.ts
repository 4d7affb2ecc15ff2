/**
 * Prometheus metrics (prom-client), one registry per runtime so that several runtimes in one
 * process (tests) never share counters.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { OutboundObserver } from '../outbound/outbound.ts';
import type { Runtime } from '../runtime/runtime.ts';
import { attachBeforeSendMetrics } from './before-send-metrics.ts';
import { attachContainmentMetrics } from './metrics-containment.ts';

export function createMetrics(options: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'botyard_process_' });
  const eventsIn = new Counter({ name: 'botyard_events_in_total', help: 'Inbound events by platform and what ingest did with them', labelNames: ['platform', 'outcome'], registers: [registry] });
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

  const outboundObserver: OutboundObserver = {
    call: (platform, kind, outcome) => outboundCalls.inc({ platform, kind, outcome }),
    retry: (platform, kind, error) => outboundRetries.inc({ platform, kind, status: String(error.status ?? 'network') }),
  };

  return {
    registry,
    outboundObserver,
    /** Starts counting what `runtime` does; gauges are read at scrape time. */
    attach(runtime: Runtime): void {
      attachContainmentMetrics(registry, runtime);
      runtime.events.on('ingested', (event, outcome) => eventsIn.inc({ platform: event.platform, outcome }));
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
          // Bounded: with Redis away the depth cannot be read, and a scrape that hangs would lose every
          // other metric exactly when operators need them. The gauge then keeps its last value.
          let timer: NodeJS.Timeout | undefined;
          const depth = await Promise.race([
            runtime.queue.depth().catch(() => undefined),
            new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), 1000))),
          ]);
          clearTimeout(timer);
          if (depth !== undefined) this.set(depth);
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
