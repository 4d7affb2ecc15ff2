/**
 * Retry with bounded exponential backoff and full jitter, honouring the platform's own wait
 * (Retry-After / X-RateLimit-Reset, carried on PlatformError.retryAfterMs).
 */
import { PlatformError } from '../errors.ts';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { maxAttempts: 6, baseDelayMs: 200, maxDelayMs: 30_000 };

export interface RetryHooks {
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Called before each wait, with the error that caused it. */
  onRetry?: (error: PlatformError, attempt: number, delayMs: number) => void;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** How long to wait after `attempt` (1-based) failed with `error`. */
export function retryDelay(error: PlatformError, attempt: number, policy: RetryPolicy, random: () => number): number {
  if (error.retryAfterMs !== undefined) return Math.min(Math.max(0, error.retryAfterMs), policy.maxDelayMs);
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** Runs `fn`, retrying retryable PlatformErrors. Anything else is thrown at once. */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, policy: RetryPolicy = defaultRetryPolicy, hooks: RetryHooks = {}): Promise<T> {
  const wait = hooks.sleep ?? sleep;
  const random = hooks.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (!(error instanceof PlatformError) || !error.retryable || attempt >= policy.maxAttempts) throw error;
      const delay = retryDelay(error, attempt, policy, random);
      hooks.onRetry?.(error, attempt, delay);
      await wait(delay);
    }
  }
}
