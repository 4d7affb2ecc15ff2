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
import type { Adapter, EventSink, InboundEvent, PlatformName } from '../adapters/adapter.ts';
import type { EventQueue } from '../queue/queue.ts';
import type { StateStore } from '../state/store.ts';
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
  const accept: EventSink = async (event) => {
    if (isOwnEvent(event, deps.adapterFor(event.platform)?.botUser)) {
      deps.observer?.received?.(event, 'ignored', ownReason(event));
      return 'ignored';
    }
    const key = `dedupe:${event.id}`;
    if (deps.queue.acceptOnce) {
      let outcome: 'accepted' | 'duplicate';
      try {
        outcome = await deps.queue.acceptOnce(event, { dedupeKey: key, dedupeTtlMs: deps.dedupeTtlMs });
      } catch (error) {
        deps.log.error({ err: error, eventId: event.id }, 'could not enqueue event; the platform will redeliver it');
        throw error;
      }
      deps.observer?.received?.(event, outcome, outcome === 'duplicate' ? 'already-accepted' : undefined);
      return outcome;
    }
    if (!(await deps.store.setIfNotExists(key, 'claimed', { ttlMs: claimTtlMs }))) {
      deps.observer?.received?.(event, 'duplicate', 'already-accepted');
      return 'duplicate';
    }
    try {
      await deps.queue.enqueue(event);
    } catch (error) {
      await deps.store.delete(key).catch(() => undefined);
      deps.log.error({ err: error, eventId: event.id }, 'could not enqueue event; the platform will redeliver it');
      throw error;
    }
    await deps.store.set(key, 'queued', { ttlMs: deps.dedupeTtlMs });
    deps.observer?.received?.(event, 'accepted');
    return 'accepted';
  };
  return (event) => traceIngest(event, () => accept(event));
}
