/**
 * Every Context verb reaches a platform through here: its limit (limit-rules.ts: per platform and call
 * kind, per conversation where the platform limits per thread) paced by a Limiter (local token buckets,
 * or counters shared by every instance on Redis), then the adapter call, retried on 429, 5xx and
 * network errors. Idempotency is the caller's part: sends carry a deterministic client id where the
 * platform honours one, and the adapter reports "already exists" as success.
 *
 * The platform's own word wins over the defaults: X-RateLimit-Limit replaces a default limit, and
 * X-RateLimit-Remaining: 0 on an answer holds the kind (on Redis: on every instance) until the reset.
 * A 429 is waited out by the call that got it (Retry-After / X-RateLimit-Reset) and does not hold the
 * others: with the limit shared and paced a 429 is rare and says little about the next call, and holding
 * every call on each one made throughput collapse when a platform refused calls at random (test/production).
 */
import type { Logger } from 'pino';
import type { Adapter, ConversationRef, PlatformName, RateLimitReport } from '../adapters/adapter.ts';
import type { PlatformError } from '../errors.ts';
import { abortableSleep } from './abortable.ts';
import { createLargeThreadGuard } from './large-threads.ts';
import { createLimitRules, type LimitRule } from './limit-rules.ts';
import { createLocalLimiter, type Limiter } from './limiter.ts';
import type { CallKind, PlatformLimits } from './limits.ts';
import { defaultRetryPolicy, sleep as realSleep, withRetry, type RetryPolicy } from './retry.ts';
import { takeParent, traceOutbound } from '../telemetry/spans.ts';

export interface OutboundObserver {
  call?(platform: PlatformName, kind: CallKind, outcome: 'ok' | 'error'): void;
  retry?(platform: PlatformName, kind: CallKind, error: PlatformError): void;
  /** A call not made because the platform does not support it here (ACS typing in a thread of 21+). */
  skipped?(platform: PlatformName, kind: CallKind, reason: string): void;
}

export interface OutboundOptions {
  /** Limits from bot.config.ts; the rest are the platforms' documented defaults. */
  limits?: Partial<Record<PlatformName, PlatformLimits>>;
  /** Who paces: default, token buckets in this process. */
  limiter?: Limiter;
  retry?: Partial<RetryPolicy>;
  observer?: OutboundObserver;
  log?: Logger;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface Outbound {
  /**
   * Runs `fn` against `adapter` under the limits and retry policy for `kind`. Resolves undefined when
   * the call was skipped. With `signal` (the handler's ctx.signal), nothing starts once it is aborted:
   * not the call, not a retry, not the wait for a rate-limit slot (the shared limiter's included), and
   * a wait under way ends at the abort. So a handler abandoned at its timeout cannot post after its
   * retry began.
   */
  run<T>(adapter: Adapter, kind: CallKind, conversation: ConversationRef, fn: (adapter: Adapter) => Promise<T>, options?: { signal?: AbortSignal }): Promise<T>;
  /** Releases the limiter's connections. */
  close(): Promise<void>;
}

export function createOutbound(options: OutboundOptions = {}): Outbound {
  const policy: RetryPolicy = { ...defaultRetryPolicy, ...options.retry };
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? realSleep;
  const rules = createLimitRules(options.limits);
  const limiter = options.limiter ?? createLocalLimiter({ now, sleep });
  const largeThread = createLargeThreadGuard(options.log);
  const listening = new WeakSet<Adapter>();

  const hold = (rule: LimitRule | undefined, platform: PlatformName, conversation: ConversationRef, untilMs: number) => {
    if (rule && untilMs > now()) void limiter.pause(rule.limit, rules.keyFor(platform, rule, conversation), untilMs).catch(() => undefined);
  };

  /** The platform's X-RateLimit-* on a successful answer (app-wide limits only: Stream's). */
  const lastLimit = new Map<string, number>();
  const onReport = (platform: PlatformName) => (report: RateLimitReport) => {
    const kind = report.kind as CallKind;
    // Every answer carries the headers: the common case (same limit, some left) must cost nothing.
    const seen = `${platform}:${kind}`;
    if (report.remaining !== 0 && report.limit === lastLimit.get(seen)) return;
    if (report.limit !== undefined) lastLimit.set(seen, report.limit);
    if (report.limit !== undefined && rules.learn(platform, kind, report.limit)) {
      options.log?.info({ platform, kind, perMinute: report.limit }, 'outbound limit taken from the platform\'s X-RateLimit-Limit');
    }
    const rule = rules.ruleFor(platform, kind);
    if (rule && !rule.configured && rule.limit.scope === 'app' && report.remaining === 0 && report.resetAtMs) hold(rule, platform, { platform, id: '' }, report.resetAtMs);
  };

  return {
    async run(adapter, kind, conversation, fn, runOptions = {}) {
      const parent = takeParent(); // the calling handler's span, handed over synchronously
      const platform = adapter.platform;
      const { signal } = runOptions;
      const pause = signal ? (ms: number) => abortableSleep(sleep, ms, signal) : sleep;
      if (!listening.has(adapter)) {
        listening.add(adapter);
        adapter.onRateLimit?.(onReport(platform));
      }
      signal?.throwIfAborted(); // before the participant count too: it may be a call of its own
      if (await largeThread(adapter, kind, conversation)) {
        options.observer?.skipped?.(platform, kind, 'large-thread');
        return undefined as never;
      }
      const rule = rules.ruleFor(platform, kind);
      const key = rule && rules.keyFor(platform, rule, conversation);
      return traceOutbound(parent, platform, kind, `${conversation.platform}:${conversation.id}`, (retried, traceFields) => withRetry(
        async () => {
          signal?.throwIfAborted();
          if (rule) await limiter.acquire(rule.limit, key!, signal);
          signal?.throwIfAborted();
          try {
            const result = await fn(adapter);
            options.observer?.call?.(platform, kind, 'ok');
            return result;
          } catch (error) {
            options.observer?.call?.(platform, kind, 'error');
            throw error;
          }
        },
        policy,
        {
          sleep: pause,
          onRetry: (error, attempt, delayMs) => {
            options.observer?.retry?.(platform, kind, error);
            retried(error.status, delayMs);
            options.log?.warn({ platform, kind, attempt, delayMs, status: error.status, err: error.message, ...traceFields }, 'outbound call failed; retrying');
          },
        },
      ));
    },
    close: async () => limiter.close?.(),
  };
}
