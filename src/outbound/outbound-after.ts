/**
 * An Outbound whose calls start only once `first` has settled: a handler's platform calls wait for the
 * queue's durable record of the try they belong to (WorkInfo `recorded`). Until then a crash would
 * restart the event as if it never ran, and a retry that does not know it is one cannot look for what
 * the first try sent (ACS picks message ids, so only a retry looks for its earlier sends).
 */
import type { Outbound } from './outbound.ts';

export function outboundAfter(first: Promise<unknown>, outbound: Outbound): Outbound {
  return {
    run: (adapter, kind, conversation, fn, options) => {
      const call = () => outbound.run(adapter, kind, conversation, fn, options);
      return first.then(call, call);
    },
    close: () => outbound.close(),
  };
}
