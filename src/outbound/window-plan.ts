/**
 * Turning "at most L calls in any W ms" into fixed-window counters, which is what a shared Redis
 * limiter counts (rate-limiter-flexible: a key per window, INCR with an expiry, whole seconds).
 *
 * A fixed window of W with L points lets 2L through a rolling W (L at the end of one window, L at the
 * start of the next). So the window is cut into shorter windows of `durationS` with `points` each,
 * such that no rolling W (plus `slackMs` for calls that leave in one order and arrive a little
 * later) can touch more windows than L allows:
 *
 *   points × (ceil((W + slack) / duration) + 1) ≤ L
 *
 * Of the durations that satisfy it, the one that lets the most calls through per second wins (ties:
 * the shortest, which spreads calls most evenly). Windows start when their first call arrives, so
 * gaps between windows only lower the count. The price is a sustained rate ~85-95% of the limit.
 */
export interface WindowPlan {
  /** Calls per window. */
  points: number;
  /** Window length, whole seconds (Redis expiries in seconds). */
  durationS: number;
}

/** The best plan for "at most `limit` (≥ 1) per `windowMs`". */
export function planWindows(limit: number, windowMs: number, slackMs = Math.min(1000, windowMs / 10)): WindowPlan {
  // One call per window: each call opens its window, so calls are a window apart; a window longer than
  // W + slack lets one call into any rolling W. The fallback for limits too small to split.
  let best: WindowPlan = { points: 1, durationS: Math.max(1, Math.ceil((windowMs + slackMs) / 1000)) };
  const longest = Math.max(1, Math.ceil(windowMs / 1000));
  for (let durationS = 1; durationS <= longest; durationS++) {
    const touched = Math.ceil((windowMs + slackMs) / (durationS * 1000)) + 1;
    const points = Math.floor(limit / touched);
    if (points < 1) continue;
    if (points / durationS > best.points / best.durationS) best = { points, durationS };
  }
  return best;
}

/** Calls per rolling `windowMs` a plan can let through at most (what the plan guarantees to stay under). */
export function worstCase(plan: WindowPlan, windowMs: number, slackMs = Math.min(1000, windowMs / 10)): number {
  return plan.points * (Math.ceil((windowMs + slackMs) / (plan.durationS * 1000)) + 1);
}
