/**
 * Liveness and readiness. `/healthz` says the process answers; `/readyz` says it can do its job:
 * the state store answers and every adapter is reachable with working credentials (for ACS: a valid
 * token and a poller within its lag bound).
 */
import type { Runtime } from '../runtime/runtime.ts';
import { botsCheck, eventLoopCheck } from './readiness-containment.ts';

export interface Readiness {
  ok: boolean;
  checks: Record<string, { ok: boolean; reason?: string; missing?: string[] }>;
}

const withTimeout = <T>(p: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms).unref())]);

export async function checkReadiness(runtime: Runtime, timeoutMs = 2000): Promise<Readiness> {
  const checks: Readiness['checks'] = {};
  const store = withTimeout(runtime.store.ping(), timeoutMs, 'state store')
    .then((ok) => (checks.store = ok ? { ok } : { ok, reason: 'state store does not answer (is Redis up?)' }))
    .catch((err: Error) => (checks.store = { ok: false, reason: err.message }));
  const adapters = [...runtime.adapters.values()].map((adapter) =>
    adapter.ready
      ? withTimeout(adapter.ready(), timeoutMs, adapter.platform)
          .then((r) => (checks[adapter.platform] = r))
          .catch((err: Error) => (checks[adapter.platform] = { ok: false, reason: err.message }))
      : (checks[adapter.platform] = { ok: true }),
  );
  await Promise.all([store, ...adapters]);
  checks.eventLoop = eventLoopCheck(runtime);
  const bots = botsCheck(runtime);
  if (bots) checks.bots = bots;
  return { ok: Object.values(checks).every((c) => c.ok), checks };
}
