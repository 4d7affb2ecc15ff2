/**
 * The one adapter contract: the interface every platform implements, with the arguments of its verbs.
 * The normalized types that cross it are in normalized.ts, the optional verbs' names in capabilities.ts;
 * both are re-exported here, so `adapter.ts` stays the one import path.
 *
 * The core never imports a platform SDK: an adapter turns platform payloads into `InboundEvent`s
 * and carries out outbound verbs. A verb a platform lacks is simply absent from the adapter and
 * absent from `capabilities`; the Context then throws `NotSupportedError` instead of dropping it.
 */
import type { Logger } from 'pino';
import type { StateStore } from '../state/store.ts';
import type { AiIndicatorUpdate, Capability } from './capabilities.ts';
import type { ConversationRef, InboundEvent, Message, OutgoingMessage, PlatformName, SentMessage, UserRef } from './normalized.ts';
import type { PreSendDecider } from './pre-send.ts';

// One import path for the whole contract: the normalized types and the capabilities live beside it.
export * from './normalized.ts';
export * from './capabilities.ts';
export type { PreSendDecider, PreSendRequest, PreSendRewrite, PreSendVerdict } from './pre-send.ts';

/** What `history` reads: the newest `limit` messages (before `before`, when given), of the conversation or of one thread. */
export interface HistoryQuery {
  limit: number;
  /** The thread's parent message id: the parent and its replies instead of the conversation. */
  thread?: string;
  /** Only messages older than this message id (to page further back). */
  before?: string;
  /** The handler's `ctx.signal`: once aborted, no further page is read (and a read under way is given up where the SDK can). */
  signal?: AbortSignal;
}

/** Where adapters hand inbound events. Resolves once the event is accepted (deduped and queued). */
export type EventSink = (event: InboundEvent) => Promise<IngestResult>;
export type IngestResult = 'accepted' | 'duplicate' | 'ignored';

/** A raw HTTP request as the webhook fast path hands it to an adapter: body already read and gunzipped. */
export interface WebhookRequest {
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** Path and query as received (`/webhooks/acs?secret=…`): Event Grid's secret rides in the query. */
  url?: string;
  /** `POST`, or `OPTIONS` for the CloudEvents validation handshake. Absent means POST. */
  method?: string;
}
/** What the adapter wants answered. */
export interface WebhookResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Everything an adapter is given when the runtime attaches it. */
export interface AdapterStartOptions {
  sink: EventSink;
  store: StateStore;
  log: Logger;
  /** Decides on a message before the platform stores it (platforms with `preSend`). */
  decide?: PreSendDecider;
}

/** Options of a ban, shadow ban or unban: scoped to the conversation unless `global`. */
export interface BanOptions {
  reason?: string;
  timeoutMinutes?: number;
  /** App-wide instead of this conversation only (Stream). */
  global?: boolean;
}

/**
 * A platform adapter. Required verbs every platform has; optional ones exist only where the
 * platform can do them, and then the matching capability is listed.
 */
export interface Adapter {
  readonly platform: PlatformName;
  /** The bot's own user on this platform (known after `start`). */
  readonly botUser: UserRef;
  readonly capabilities: ReadonlySet<Capability>;
  /** The raw SDK client: the escape hatch for what botyard does not wrap. */
  readonly client: unknown;
  /** Webhook route this adapter serves (`/webhooks/stream`), if any. */
  readonly webhookPath?: string;

  /** Connect, make sure the bot user exists, start pollers. */
  start(options: AdapterStartOptions): Promise<void>;
  /** Stop pollers and flush cursors. Idempotent. */
  stop(): Promise<void>;
  /** True when the platform is reachable and credentials work (for /readyz). */
  ready?(): Promise<{ ok: boolean; reason?: string }>;
  /**
   * One cheap authenticated call before `start`, so wrong credentials fail fast (`botyard start`,
   * `botyard check --online`). Throws a ConfigError naming the environment variable and the fix.
   */
  verifyCredentials?(): Promise<void>;
  /** Milliseconds since a poller last completed a cycle (pollers only; for /metrics and /readyz). */
  pollLagMs?(): number | undefined;
  /** Verify and normalize one webhook delivery, handing events to the sink before answering. */
  handleWebhook?(request: WebhookRequest): Promise<WebhookResponse>;
  /** Registers a listener for the rate-limit headers the platform sends on its answers (Stream: X-RateLimit-*). */
  onRateLimit?(listener: (report: RateLimitReport) => void): void;
  /** Participants in a conversation, when the platform's limits depend on it (ACS: no typing or receipts above 20). */
  participantCount?(conversation: ConversationRef): Promise<number | undefined>;
  /** The pre-send hook's route (`/webhooks/stream/before-send`), if the platform has one. */
  readonly beforeSendPath?: string;
  /** Verify one pre-send call, ask the runtime (`decide`), answer the platform. Never queued. */
  handleBeforeSend?(request: WebhookRequest): Promise<WebhookResponse>;

  send(conversation: ConversationRef, message: OutgoingMessage): Promise<SentMessage>;
  editMessage?(conversation: ConversationRef, messageId: string, message: OutgoingMessage): Promise<void>;
  deleteMessage?(conversation: ConversationRef, messageId: string, options?: { hard?: boolean }): Promise<void>;
  markRead?(conversation: ConversationRef, messageId?: string): Promise<void>;
  typing?(conversation: ConversationRef, options?: { parentId?: string; stop?: boolean }): Promise<void>;
  ban?(conversation: ConversationRef, userId: string, options?: BanOptions): Promise<void>;
  shadowBan?(conversation: ConversationRef, userId: string, options?: BanOptions): Promise<void>;
  unban?(conversation: ConversationRef, userId: string, options?: { global?: boolean }): Promise<void>;
  flag?(conversation: ConversationRef, messageId: string, options?: { reason?: string }): Promise<void>;
  flagUser?(conversation: ConversationRef, userId: string, options?: { reason?: string }): Promise<void>;
  mute?(conversation: ConversationRef, userId: string, options?: { timeoutMinutes?: number }): Promise<void>;
  pin?(conversation: ConversationRef, messageId: string, options?: { expiresInSeconds?: number }): Promise<void>;
  unpin?(conversation: ConversationRef, messageId: string): Promise<void>;
  addMembers?(conversation: ConversationRef, users: UserRef[]): Promise<void>;
  removeMembers?(conversation: ConversationRef, userIds: string[]): Promise<void>;
  addModerators?(conversation: ConversationRef, userIds: string[]): Promise<void>;
  demoteModerators?(conversation: ConversationRef, userIds: string[]): Promise<void>;
  react?(conversation: ConversationRef, messageId: string, type: string): Promise<void>;
  updateConversation?(conversation: ConversationRef, changes: { name?: string; topic?: string; data?: Record<string, unknown> }): Promise<void>;
  /** Shows or clears the AI indicator of a message the bot is writing (capability `aiIndicator`). */
  aiIndicator?(conversation: ConversationRef, update: AiIndicatorUpdate): Promise<void>;
  /**
   * Recent messages, oldest first, deleted ones left out: at most `query.limit`, read in bounded pages
   * (capability `history`). A thread's parent comes first, then its replies.
   */
  history?(conversation: ConversationRef, query: HistoryQuery): Promise<Message[]>;
}

/** What one platform answer said about its rate limit. */
export interface RateLimitReport {
  /** The outbound call kind the answer was for (`send`, `markRead`, ...: src/outbound/limits.ts). */
  kind: string;
  /** Calls allowed per minute (X-RateLimit-Limit). */
  limit?: number;
  /** Calls left in the current window (X-RateLimit-Remaining). */
  remaining?: number;
  /** When the window resets, epoch ms (X-RateLimit-Reset is in seconds). */
  resetAtMs?: number;
}
