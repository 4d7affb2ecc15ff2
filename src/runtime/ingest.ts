/**
 * The gate between adapters and the queue: drops the bot's own events, dedupes by event id in two
 * phases, and enqueues.
 *
 * Two-phase dedupe: a short *claim* is taken before enqueueing and turned into a long *queued* mark
 * after. If enqueueing fails the claim is removed and the error goes back to the platform (which
 * retries); if the process dies in between, the claim expires on its own. So a crash never
 * poisons a key, and a redelivery of an event already queued is answered as a duplicate.
 * A queue that can do both in one durable step (`acceptOnce`: one SQLite transaction, one Redis
 * round trip, one synchronous step beside the memory store) is asked to instead.
 */
import type { Logger } from 'pino';
import type { Adapter, EventSink, InboundEvent, IngestResult, PlatformName } from '../adapters/adapter.ts';
import type { EventQueue } from '../queue/queue.ts';
import type { StateStore } from '../state/store.ts';
import { traceLogFields } from '../telemetry/carrier.ts';
import { traceIngest } from '../telemetry/spans.ts';

/**
 * Why ingest did not accept an event, for the console and logs: the bot's own message, reaction or
 * membership change (or another event it caused), or an event id already accepted (a redelivery).
 */
export type IngestReason = 'own-message' | 'own-reaction' | 'own-membership' | 'own-event' | 'already-accepted';

export interface IngestObserver {
  received?(event: InboundEvent, outcome: 'accepted' | 'duplicate' | 'ignored', reason?: IngestReason): void;
}

export interface IngestDeps {
  store: StateStore;
  queue: EventQueue;
  adapterFor(platform: PlatformName): Adapter | undefined;
  dedupeTtlMs: number;
  /** How long a claim lives when the process dies between claim and enqueue. */
  claimTtlMs?: number;
  log: Logger;
  observer?: IngestObserver;
}

/** True for events the runtime's own user caused that no bot should see. */
export function isOwnEvent(event: InboundEvent, me: { id: string } | undefined): boolean {
  if (!me) return false;
  if (event.type.startsWith('member.')) return event.member?.id === me.id;
  // ai_indicator.*: the bot's own indicator events from its streamed replies (Stream echoes them to webhooks).
  return event.sender.id === me.id && (event.type.startsWith('message.') || event.type.startsWith('reaction.') || event.type.startsWith('ai_indicator.'));
}

/** Which of its own events `isOwnEvent` recognised. */
function ownReason(event: InboundEvent): IngestReason {
  if (event.type.startsWith('message.') && event.type !== 'message.read') return 'own-message';
  if (event.type.startsWith('reaction.')) return 'own-reaction';
  if (event.type.startsWith('member.')) return 'own-membership';
  return 'own-event';
}

export function createIngest(deps: IngestDeps): EventSink {
  const claimTtlMs = deps.claimTtlMs ?? 30_000;
  const failed = (event: InboundEvent, error: unknown) => deps.log.error({ err: error, eventId: event.id, ...traceLogFields(event) }, 'could not enqueue event; the platform will redeliver it');

  /** One step: the queue marks and enqueues together. A `then`, not an async function: one promise per event, not two. */
  const acceptOnce = (event: InboundEvent, key: string): Promise<IngestResult> =>
    deps.queue.acceptOnce!(event, { dedupeKey: key, dedupeTtlMs: deps.dedupeTtlMs }).then(
      (outcome) => {
        deps.observer?.received?.(event, outcome, outcome === 'duplicate' ? 'already-accepted' : undefined);
        return outcome;
      },
      (error: unknown) => {
        failed(event, error);
        throw error;
      },
    );

  /** Two phases on the state store: claim, enqueue, mark (the header says why). */
  const claimEnqueueMark = async (event: InboundEvent, key: string): Promise<IngestResult> => {
    if (!(await deps.store.setIfNotExists(key, 'claimed', { ttlMs: claimTtlMs }))) {
      deps.observer?.received?.(event, 'duplicate', 'already-accepted');
      return 'duplicate';
    }
    try {
      await deps.queue.enqueue(event);
    } catch (error) {
      await deps.store.delete(key).catch(() => undefined);
      failed(event, error);
      throw error;
    }
    await deps.store.set(key, 'queued', { ttlMs: deps.dedupeTtlMs });
    deps.observer?.received?.(event, 'accepted');
    return 'accepted';
  };

  // Not async (its promise would be one more per event), yet like one it never throws: a failure is a rejection.
  const accept: EventSink = (event) => {
    try {
      if (isOwnEvent(event, deps.adapterFor(event.platform)?.botUser)) {
        deps.observer?.received?.(event, 'ignored', ownReason(event));
        return IGNORED;
      }
      const key = `dedupe:${event.id}`;
      return deps.queue.acceptOnce ? acceptOnce(event, key) : claimEnqueueMark(event, key);
    } catch (error) {
      return Promise.reject(error);
    }
  };
  return (event) => traceIngest(event, () => accept(event));
}

/** Settled once, answered to every own event: a settled promise can be awaited any number of times. */
const IGNORED: Promise<IngestResult> = Promise.resolve('ignored');
