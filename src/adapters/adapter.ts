/**
 * The one adapter contract, and the normalized types that cross it.
 *
 * The core never imports a platform SDK: an adapter turns platform payloads into `InboundEvent`s
 * and carries out outbound verbs. A verb a platform lacks is simply absent from the adapter and
 * absent from `capabilities`; the Context then throws `NotSupportedError` instead of dropping it.
 */
import type { Logger } from 'pino';
import type { StateStore } from '../state/store.ts';
import type { PreSendDecider } from './pre-send.ts';

export type { PreSendDecider, PreSendRequest, PreSendRewrite, PreSendVerdict } from './pre-send.ts';

/** The platforms botyard speaks to. `local` is the in-process platform of the test kit. */
export type PlatformName = 'stream' | 'acs' | 'local';

/** A user as the runtime sees them. */
export interface UserRef {
  id: string;
  name?: string;
  /** True for bots (ours or others'), when the platform says so or the runtime knows. */
  isBot?: boolean;
}

/**
 * A conversation: a Stream channel (`id` is the cid, `messaging:general`), an ACS thread (`id` is the
 * thread id, `19:...@thread.v2`) or a local room. Written as a string it is `platform:id`.
 */
export interface ConversationRef {
  platform: PlatformName;
  id: string;
  name?: string;
}

/** A file, image or link on a message. Custom fields ride along as extra keys. */
export interface Attachment {
  type: string;
  url?: string;
  thumbUrl?: string;
  title?: string;
  [custom: string]: unknown;
}

/** A message as handlers see it. */
export interface Message {
  id: string;
  text: string;
  html?: string;
  user: UserRef;
  attachments: Attachment[];
  mentions: UserRef[];
  /** The thread parent (Stream `parent_id`; on ACS, the `botyard.parentId` metadata of a reply). */
  parentId?: string;
  /** Custom fields: Stream's top-level custom fields, ACS metadata (minus botyard's own keys). */
  data: Record<string, unknown>;
  createdAt?: string;
  updatedAt?: string;
  deleted?: boolean;
  /** Pinned in its conversation (Stream). */
  pinned?: boolean;
  /** Sent silently: no unread count (Stream). */
  silent?: boolean;
  /** Sent by a shadow-banned user: the platform shows it to its author only (Stream). */
  shadowed?: boolean;
}

/** The normalized event types. Adapters may emit others (`bot.on(type)` receives them). */
export const EVENT_TYPES = [
  'message.new',
  'message.updated',
  'message.deleted',
  'member.added',
  'member.removed',
  'reaction.new',
  'conversation.updated',
  'message.read',
  // Moderation, where the platform announces it (Stream webhooks; the local platform).
  'message.flagged',
  'user.banned',
  'user.unbanned',
  'user.muted',
  /** A message a `bot.beforeSend` handler rejected before anyone saw it (emitted by the runtime). */
  'message.rejected',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** One thing that happened on a platform, normalized. */
export interface InboundEvent {
  /** Stable key for dedupe: the same platform event always yields the same id. */
  id: string;
  type: EventType | (string & {});
  platform: PlatformName;
  conversation: ConversationRef;
  /** Who caused the event (the author, the member who joined, the reactor). */
  sender: UserRef;
  message?: Message;
  /** The member added or removed (member.* events). */
  member?: UserRef;
  reaction?: { type: string; messageId: string };
  /** What changed (conversation.updated). */
  changes?: { name?: string; topic?: string; data?: Record<string, unknown> };
  /** ISO time the platform says the event happened. */
  occurredAt: string;
  /** The platform payload, untouched. */
  raw: unknown;
  /** The platform's id of the delivery that carried the event (Stream's X-Webhook-Id), when there was one. */
  deliveryId?: string;
  /** Details of a moderation event (message.flagged, user.banned, user.unbanned, user.muted). */
  moderation?: ModerationDetails;
  /** Who rejected the message and why (message.rejected). */
  rejection?: Rejection;
  /**
   * Where the event's trace continues (W3C trace context of its ingest span), set by ingest when tracing
   * is on. It travels with the event through every queue, so a retry on another instance joins the trace.
   */
  trace?: EventTrace;
}

/** Trace context carried by an event (src/telemetry/). */
export interface EventTrace {
  traceparent: string;
  tracestate?: string;
  /** Epoch ms when ingest accepted the event: the queue-wait span starts here. */
  acceptedAt: number;
}

/**
 * What a moderation event says beyond who acted (`sender`). `target` is the user banned, unbanned or
 * muted (also on `member` for bans); the flagged message is the event's `message`.
 */
export interface ModerationDetails {
  target?: UserRef;
  reason?: string;
  /** ISO time a ban or mute ends; absent when it does not end on its own. */
  expiresAt?: string;
  shadow?: boolean;
  /** True for an app-wide ban; false for one scoped to the event's conversation. */
  global?: boolean;
  /** How many flags the message has now (message.flagged). */
  totalFlags?: number;
}

/** Why a message was rejected before it was stored: one entry per rejecting bot handler, or the policy. */
export interface Rejection {
  /** The bot whose handler rejected, or `policy` when the budget ran out under `failClosed`. */
  by: string;
  reason: string;
  /** What the sender was shown. */
  notice: string;
  /** Whatever the rejecting handler attached (`ctx.reject({ data })`), e.g. a strike count. */
  data?: Record<string, unknown>;
}

/** What a bot sends. A plain string is `{ text }`. */
export interface OutgoingMessage {
  text?: string;
  html?: string;
  attachments?: Attachment[];
  mentions?: UserRef[];
  parentId?: string;
  data?: Record<string, unknown>;
  /** Client-chosen id: makes retries idempotent where the platform honours it (Stream). */
  id?: string;
  /** No unread count and no push (capability `silent`). */
  silent?: boolean;
  /** Pin the message in its conversation as it is sent (capability `pin`). */
  pinned?: boolean;
}

/** What an adapter answers after sending. */
export interface SentMessage {
  id: string;
  conversation: ConversationRef;
}

/** Optional verbs, as `ctx.can(capability)` names them. */
export const CAPABILITIES = [
  'threads',
  'html',
  'attachments',
  'mentions',
  'markRead',
  'typing',
  'edit',
  'delete',
  'ban',
  'members',
  'moderators',
  'reactions',
  'topic',
  'clientMessageId',
  /** Deleting (and editing) messages other users sent. ACS users can touch only their own. */
  'moderation',
  /** A hook that decides on a message before the platform stores it (`bot.beforeSend`). */
  'preSend',
  /** Flag a message or a user for review. */
  'flag',
  /** Mute a user (for the bot's own user: no push from them). */
  'mute',
  /** Ban a user so that only they see their own messages. */
  'shadowBan',
  /** Lift a ban (or shadow ban). */
  'unban',
  /** Pin and unpin messages; send pinned. */
  'pin',
  /** Send without raising unread counts or push (`silent: true`). */
  'silent',
  /** Stream's AI indicator (`ai_indicator.update` / `.clear`) beside a message a model is writing. */
  'aiIndicator',
  /** Reading a conversation's or thread's recent messages (`ctx.history()`). */
  'history',
] as const;
export type Capability = (typeof CAPABILITIES)[number];

/**
 * The AI indicator states, as Stream's UI SDKs name them (stream-chat-react `AIStates`; stream-chat-js
 * types also list `AI_STATE_CHECKING_SOURCES`, which no UI renders). Any other string passes through.
 */
export type AiState = 'AI_STATE_THINKING' | 'AI_STATE_GENERATING' | 'AI_STATE_EXTERNAL_SOURCES' | 'AI_STATE_ERROR' | (string & {});

/** One AI indicator change for the message `messageId`: a state, or `clear` (the answer is done). */
export interface AiIndicatorUpdate {
  messageId: string;
  state: AiState | 'clear';
  /** A short text shown with the state (Stream `ai_message`), e.g. what went wrong. */
  message?: string;
}

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

/** `stream:messaging:general` → `{ platform: 'stream', id: 'messaging:general' }`. Splits on the first colon only. */
export function parseConversation(ref: string | ConversationRef): ConversationRef {
  if (typeof ref !== 'string') return ref;
  const at = ref.indexOf(':');
  const platform = ref.slice(0, at);
  if (at < 1 || !['stream', 'acs', 'local'].includes(platform) || at === ref.length - 1) {
    throw new TypeError(`'${ref}' is not a conversation. Write it as platform:id, e.g. 'stream:messaging:general' or 'acs:19:abc@thread.v2'.`);
  }
  return { platform: platform as PlatformName, id: ref.slice(at + 1) };
}

/** The string form of a conversation, `platform:id`. */
export function conversationKey(ref: ConversationRef): string {
  return `${ref.platform}:${ref.id}`;
}
