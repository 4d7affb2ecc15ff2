/**
 * What every `ctx.stream()` of a runtime shares: the settings, the budget of partial updates (one
 * per platform, handed out in turn, so all streams together stay within the configured rate alongside
 * other traffic), the stop registry, and an observer that makes streams visible (runtime events, console).
 */
import type { AiState, ConversationRef, PlatformName } from '../adapters/adapter.ts';
import { PartialUpdateBudget } from './stream-budget.ts';
import type { StreamStops } from '../runtime/stream-stops.ts';

export interface StreamingSettings {
  /** At least this long between two partial updates of one message. */
  updateIntervalMs: number;
  /** Partial updates per minute across every stream of this instance, per platform. */
  partialUpdatesPerMinute: number;
}

export const defaultStreamingSettings: StreamingSettings = { updateIntervalMs: 500, partialUpdatesPerMinute: 600 };

export type StreamOutcome = 'complete' | 'stopped' | 'aborted' | 'error';

/** One step of a streamed reply, for the runtime's `stream` event (console, metrics, tests). */
export interface StreamProgress {
  bot: string;
  eventId: string;
  conversation: ConversationRef;
  /** The message being written (absent on platforms that send once at the end, until then). */
  messageId?: string;
  phase: 'started' | 'indicator' | 'update' | 'finished';
  /** On `indicator`: the state shown, or `clear`. */
  state?: AiState | 'clear';
  /** On `update` and `finished`: the whole text so far. */
  text?: string;
  /** On `finished`. */
  outcome?: StreamOutcome;
}

export interface StreamingServices {
  settings: StreamingSettings;
  /** Waits in line for a partial-update turn on `platform`; `grant` runs when it is ours. Returns a cancel function. */
  requestPartialUpdate(platform: PlatformName, grant: () => void): () => void;
  /** Stops from users (absent: only `ctx.signal` ends a stream early). */
  stops?: StreamStops;
  /**
   * Aborted when the runtime stops: every stream still reading ends as if `ctx.signal` fired (outcome
   * `aborted`), keeping what was written and clearing the indicator, while the stop waits for handlers.
   */
  closing?: AbortSignal;
  observe?(progress: StreamProgress): void;
}

export function createStreamingServices(options: {
  settings?: Partial<StreamingSettings>;
  stops?: StreamStops;
  observe?(progress: StreamProgress): void;
  now?: () => number;
}): StreamingServices & { close(): void } {
  const settings = { ...defaultStreamingSettings, ...options.settings };
  const budgets = new Map<PlatformName, PartialUpdateBudget>();
  const closing = new AbortController();
  return {
    settings,
    closing: closing.signal,
    /** The runtime is stopping: ends every stream still reading (see `closing`). */
    close() {
      closing.abort(new Error('the runtime is stopping'));
    },
    requestPartialUpdate(platform, grant) {
      let budget = budgets.get(platform);
      if (!budget) budgets.set(platform, (budget = new PartialUpdateBudget(settings.partialUpdatesPerMinute, options.now)));
      return budget.request(grant);
    },
    ...(options.stops ? { stops: options.stops } : {}),
    ...(options.observe ? { observe: options.observe } : {}),
  };
}

let shared: StreamingServices | undefined;

/** For Contexts built without the runtime's services (tests, tools): default settings, no user stops. */
export function defaultStreamingServices(): StreamingServices {
  return (shared ??= createStreamingServices({}));
}
