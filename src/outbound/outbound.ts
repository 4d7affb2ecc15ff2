/**
 * Every Context verb reaches a platform through here: a token bucket per platform and call kind
 * (per conversation where the platform limits per thread), then the adapter call, retried on 429,
 * 5xx and network errors. Idempotency is the caller's part: sends carry a deterministic client id
 * where the platform honours one, and the adapter reports "already exists" as success.
 */
import type { Logger } from 'pino';
import type { Adapter, ConversationRef, PlatformName } from '../adapters/adapter.ts';
import type { PlatformError } from '../errors.ts';
import { defaultLimits, type CallKind, type PlatformLimits } from './limits.ts';
import { defaultRetryPolicy, sleep as realSleep, withRetry, type RetryPolicy } from './retry.ts';
import { TokenBucket } from './token-bucket.ts';

/** `sleep`, cut short with the signal's reason when it aborts. */
function abortableSleep(sleep: (ms: number) => Promise<void>, ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    sleep(ms).then(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      },
      (error) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

export interface OutboundObserver {
  call?(platform: PlatformName, kind: CallKind, outcome: 'ok' | 'error'): void;
  retry?(platform: PlatformName, kind: CallKind, error: PlatformError): void;
}

export interface OutboundOptions {
  limits?: Partial<Record<PlatformName, PlatformLimits>>;
  retry?: Partial<RetryPolicy>;
  observer?: OutboundObserver;
  log?: Logger;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface Outbound {
  /**
   * Runs `fn` against `adapter` under the limits and retry policy for `kind`. With `signal` (the
   * handler's ctx.signal), nothing starts once it is aborted: not the call, not a retry, not the wait
   * for a rate-limit slot. So a handler abandoned at its timeout cannot post after its retry began.
   */
  run<T>(adapter: Adapter, kind: CallKind, conversation: ConversationRef, fn: (adapter: Adapter) => Promise<T>, options?: { signal?: AbortSignal }): Promise<T>;
}

export function createOutbound(options: OutboundOptions = {}): Outbound {
  const policy: RetryPolicy = { ...defaultRetryPolicy, ...options.retry };
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? realSleep;
  const buckets = new Map<string, TokenBucket>();

  const bucketFor = (platform: PlatformName, kind: CallKind, conversation: ConversationRef): TokenBucket | undefined => {
    const limit = options.limits?.[platform]?.[kind] ?? defaultLimits[platform][kind];
    if (!limit) return undefined;
    const key = limit.scope === 'conversation' ? `${platform}|${kind}|${conversation.id}` : `${platform}|${kind}`;
    let bucket = buckets.get(key);
    if (!bucket) buckets.set(key, (bucket = new TokenBucket(limit, now)));
    return bucket;
  };

  return {
    async run(adapter, kind, conversation, fn, runOptions = {}) {
      const platform = adapter.platform;
      const { signal } = runOptions;
      const pause = signal ? (ms: number) => abortableSleep(sleep, ms, signal) : sleep;
      return withRetry(
        async () => {
          signal?.throwIfAborted();
          const wait = bucketFor(platform, kind, conversation)?.reserve() ?? 0;
          if (wait > 0) await pause(wait);
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
            options.log?.warn({ platform, kind, attempt, delayMs, status: error.status, err: error.message }, 'outbound call failed; retrying');
          },
        },
      );
    },
  };
}
