/**
 * How a user's stop (Stream's `ai_indicator.stop`) reaches a reply that is being streamed.
 *
 * The stop arrives as an inbound event, but the queue works one event per conversation at a time, in
 * order: queued behind the very event whose handler is streaming, it would run only after the stream
 * ended. So ingest's sink is wrapped (`withStreamStops`): a stop event is queued as usual (bots may
 * handle `ai_indicator.stop` like any event) and, once accepted, also signalled directly:
 * - on this instance, every open stream of that conversation is aborted at once;
 * - for the other instances, the stop's event id is written to the state store under the
 *   conversation (`stream-stop:<conversation>`). Each stream reads that marker when it opens and again
 *   on every update tick (`check()`), and aborts when it changed: a stop reaches a stream anywhere
 *   within one update interval. Comparing ids, not clocks, means a redelivered old stop (same id)
 *   never stops a newer stream, and clock skew between instances does not matter.
 * Stream's stop names the channel, not a message, so it stops every stream in the conversation.
 */
import type { Logger } from 'pino';
import { conversationKey, type ConversationRef, type EventSink, type InboundEvent } from '../adapters/adapter.ts';
import type { StateStore } from '../state/store.ts';

export const STOP_EVENT = 'ai_indicator.stop';

export interface StopHandle {
  /** Aborted when a user stops the streams of this conversation. */
  readonly signal: AbortSignal;
  /** Reads the shared marker and aborts `signal` when a stop was seen elsewhere since `open`. Never throws. */
  check(): Promise<void>;
  /** The stream ended: forget it. */
  close(): void;
}

export interface StreamStops {
  /** A stream starts in `conversation`. */
  open(conversation: ConversationRef): Promise<StopHandle>;
  /** A user's stop was accepted: aborts this instance's streams there and tells the others. Returns how many were here. */
  stop(event: InboundEvent): Promise<number>;
  /** Conversations (`platform:id`) with streams open on this instance, and how many. */
  active(): Map<string, number>;
}

export interface StreamStopsOptions {
  store: StateStore;
  log?: Logger;
  /** How long the shared marker lives (default 1 h; a stream compares it with what it saw at its start). */
  markerTtlMs?: number;
}

const markerKey = (conversation: ConversationRef) => `stream-stop:${conversationKey(conversation)}`;

export function createStreamStops(options: StreamStopsOptions): StreamStops {
  const { store, log } = options;
  const ttlMs = options.markerTtlMs ?? 60 * 60_000;
  const open = new Map<string, Set<AbortController>>();

  const readMarker = (conversation: ConversationRef) =>
    store.get<string>(markerKey(conversation)).catch((err: unknown) => {
      log?.warn({ err, conversation: conversationKey(conversation) }, 'could not read the stream stop marker; stops from other instances may be late');
      return undefined;
    });

  return {
    async open(conversation) {
      const key = conversationKey(conversation);
      const controller = new AbortController();
      let streams = open.get(key);
      if (!streams) open.set(key, (streams = new Set()));
      streams.add(controller);
      const seen = await readMarker(conversation);
      return {
        signal: controller.signal,
        async check() {
          if (controller.signal.aborted) return;
          const now = await readMarker(conversation);
          if (now !== undefined && now !== seen) controller.abort(new Error('stopped by a user (seen through the state store)'));
        },
        close() {
          streams.delete(controller);
          if (streams.size === 0 && open.get(key) === streams) open.delete(key);
        },
      };
    },

    async stop(event) {
      const streams = open.get(conversationKey(event.conversation));
      for (const controller of streams ?? []) controller.abort(new Error(`stopped by ${event.sender.id || 'a user'}`));
      await store.set(markerKey(event.conversation), event.id, { ttlMs }).catch((err: unknown) => {
        log?.warn({ err, eventId: event.id }, 'could not share a stream stop with other instances; only this instance stopped');
      });
      return streams?.size ?? 0;
    },

    active() {
      return new Map([...open].map(([key, set]) => [key, set.size]));
    },
  };
}

/**
 * Wraps ingest's sink: a stop event is handed on (queued for bots) and, when accepted or when
 * queueing failed, signalled to the streams at once. Duplicates and the bot's own events signal nothing.
 */
export function withStreamStops(sink: EventSink, stops: StreamStops): EventSink {
  // Every other event goes straight to the sink: no async wrapper, whose promise (and the two ticks it
  // takes to adopt the sink's) each webhook would pay.
  const stopping: EventSink = async (event) => {
    let outcome: Awaited<ReturnType<EventSink>>;
    try {
      outcome = await sink(event);
    } catch (error) {
      // The platform will redeliver it, but the user wants the stream stopped now.
      await stops.stop(event);
      throw error;
    }
    if (outcome === 'accepted') await stops.stop(event);
    return outcome;
  };
  return (event) => (event.type === STOP_EVENT ? stopping(event) : sink(event));
}
