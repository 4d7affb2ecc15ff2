/**
 * Waits that honour a handler's ctx.signal: outbound starts nothing once the signal aborted, and no wait
 * it is in (a retry's backoff, a slot from a limiter, local or shared through Redis) outlasts the abort.
 */

/** `promise`, or a rejection with the signal's reason as soon as it aborts (what `promise` does runs on). */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** `sleep(ms)`, not started when the signal has aborted, and cut short with its reason when it aborts. */
export function abortableSleep(sleep: (ms: number) => Promise<void>, ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return untilAborted(sleep(ms), signal);
}
