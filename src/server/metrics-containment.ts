/**
 * /metrics for containment: the event-loop delay distribution, and stalls charged to the bots and
 * handlers that caused them (or were in flight; see loop-monitor.ts for the attribution rule).
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Runtime } from '../runtime/runtime.ts';

export function attachContainmentMetrics(registry: Registry, runtime: Runtime): void {
  const monitor = runtime.loopMonitor;
  new Gauge({
    name: 'botyard_event_loop_delay_seconds',
    help: 'Event-loop delay since the previous scrape (the stall watchdog\'s 50 ms intervals, counted as perf_hooks.monitorEventLoopDelay counts them), by quantile',
    labelNames: ['quantile'],
    registers: [registry],
    collect() {
      const h = monitor.delay;
      if (h.count === 0) return;
      this.set({ quantile: '0.5' }, h.percentile(50) / 1e9);
      this.set({ quantile: '0.99' }, h.percentile(99) / 1e9);
      this.set({ quantile: '1' }, h.max / 1e9);
      h.reset();
    },
  });
  const stalls = new Counter({ name: 'botyard_event_loop_stalls_total', help: 'Event-loop stalls over containment.loopBlockWarnMs, by the bot and handler charged', labelNames: ['bot', 'handler'], registers: [registry] });
  const blocked = new Counter({ name: 'botyard_event_loop_blocked_seconds_total', help: 'Seconds the event loop was blocked, by the bot and handler charged', labelNames: ['bot', 'handler'], registers: [registry] });
  monitor.on('stall', (stall) => {
    const who = stall.handlers.length ? stall.handlers : [{ bot: '(none)', label: '(none)' }];
    for (const h of who) {
      stalls.inc({ bot: h.bot, handler: h.label });
      blocked.inc({ bot: h.bot, handler: h.label }, stall.ms / 1000);
    }
  });
}
