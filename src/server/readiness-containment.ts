/**
 * Readiness checks of the containment work: a recent event-loop stall (503 while it lasts, so a
 * balancer drains an instance a bot keeps blocking) and bots that failed to load (named, not fatal:
 * `botyard start --allow-broken-bots` chose to run without them).
 */
import type { Runtime } from '../runtime/runtime.ts';

export interface Check {
  ok: boolean;
  reason?: string;
  /** Bots that are not running, by name (the `bots` check). */
  missing?: string[];
}

export function eventLoopCheck(runtime: Runtime, now = Date.now()): Check {
  const stall = runtime.loopMonitor.lastStall();
  const hold = runtime.config.containment.loopBlockReadyHoldMs;
  if (!stall || now - stall.endedAt >= hold) return { ok: true };
  const who = stall.handlers.map((h) => `${h.bot}/${h.label}`).join(', ') || 'no bot handler';
  return { ok: false, reason: `event loop blocked ${stall.ms} ms by ${who}, ${Math.round((now - stall.endedAt) / 1000)} s ago (503 for ${hold / 1000} s after a stall)` };
}

export function botsCheck(runtime: Runtime): Check | undefined {
  const problems = runtime.bots.problems();
  if (!problems.length) return undefined;
  return {
    ok: true,
    missing: problems.map((p) => p.name ?? p.file),
    reason: `not loaded: ${problems.map((p) => `${p.name ?? p.file} (${p.file}: ${p.reason})`).join('; ')}`,
  };
}
