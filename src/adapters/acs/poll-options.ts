/**
 * The ACS poller's knobs (PollOptions, from the adapter's `poll` options), what it reports after each
 * cycle (PollStats, for /metrics, the benchmarks and tests), and what the adapter hands it (PollerDeps).
 */
import type { ChatClient } from '@azure/communication-chat';
import type { Logger } from 'pino';
import type { InboundEvent, UserRef } from '../adapter.ts';
import type { StateStore } from '../../state/store.ts';

export interface PollOptions {
  /** Interval while threads are active (default 1000 ms). */
  minIntervalMs?: number;
  /** Interval when idle; the poller backs off towards it (default 10 000 ms). */
  maxIntervalMs?: number;
  /** How far back each listMessages/listChatThreads reaches before the watermark (default 2000 ms; ≥ 1 s since real timestamps have second precision). */
  overlapMs?: number;
  /** maxPageSize of list calls (default 100; the service allows up to 200). */
  pageSize?: number;
  /** Threads polled at once (default 4). */
  concurrency?: number;
  /**
   * With second-precision lastMessageReceivedOn, a thread is read again until a read started after its
   * listed second ended at the service. By default the service's clock is learnt from its responses'
   * `Date` headers (service-clock.ts), and this margin (default: overlapMs) is used only until one
   * arrived. Set it to judge by our clock with this fixed margin instead.
   */
  clockSkewMs?: number;
  /**
   * Whether this instance polls `threadId` now. Default: every thread, unless `leaseTtlMs` is set, in
   * which case a StateStore lease per thread (leases.ts: kept by a heartbeat, released on stop) decides,
   * so with several instances each thread is polled by one live instance and taken over when its lease lapses.
   */
  ownsThread?: (threadId: string) => Promise<boolean>;
  leaseTtlMs?: number;
}

export interface PollStats {
  cycle: number;
  /** SDK calls this cycle (every page counts). */
  calls: number;
  threadsListed: number;
  threadsPolled: number;
  /** Of threadsPolled: read again only because their listed second was still open (no listing change). */
  threadsRechecked?: number;
  events: number;
  /** Max time from a message's createdOn to its hand-off to the sink, this cycle (ms). */
  lagMs: number;
  durationMs: number;
  /** The interval chosen after this cycle. */
  nextIntervalMs: number;
  error?: string;
}

export interface PollerDeps {
  chat: () => ChatClient;
  store: () => StateStore;
  bot: () => UserRef;
  deliver: (event: InboundEvent) => Promise<void>;
  now: () => number;
  /** The service's time (a lower bound) when our clock read `local`; undefined while unknown. */
  serviceTimeAt?: (local: number) => number | undefined;
  log: () => Logger | undefined;
  instanceId: string;
}
