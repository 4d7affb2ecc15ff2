/**
 * Waiting on a close or a release for a bounded time: a stop must end even when Redis is gone and the
 * call it waits on would never answer.
 */

/** True when `promise` settled within `ms` (its outcome is ignored); never rejects. */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const settled = promise.then(() => true, () => true);
  const result = await Promise.race([settled, new Promise<false>((resolve) => (timer = setTimeout(resolve, ms, false)))]);
  clearTimeout(timer);
  return result;
}
