/**
 * Prometheus metrics of the before-send path: decisions by verdict (and whether the policy decided),
 * and how long each took, so an operator sees the budget's headroom before Stream's timeout does.
 */
import { Counter, Histogram, type Registry } from 'prom-client';
import type { Runtime } from '../runtime/runtime.ts';

export function attachBeforeSendMetrics(registry: Registry, runtime: Runtime): void {
  const decisions = new Counter({
    name: 'botyard_before_send_decisions_total',
    help: 'Before-send decisions by platform, verdict (allow, reject, rewrite) and policy (none, or failOpen/failClosed when it decided)',
    labelNames: ['platform', 'verdict', 'policy'],
    registers: [registry],
  });
  const seconds = new Histogram({
    name: 'botyard_before_send_duration_seconds',
    help: 'Time to decide on one message before it is stored',
    labelNames: ['platform'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 1.5],
    registers: [registry],
  });
  runtime.events.on('decided', (o) => {
    decisions.inc({ platform: o.platform, verdict: o.verdict.action, policy: o.policyApplied?.policy ?? 'none' });
    seconds.observe({ platform: o.platform }, o.ms / 1000);
  });
}
