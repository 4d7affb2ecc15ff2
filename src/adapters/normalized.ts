/**
 * The normalized types that cross the adapter contract (adapter.ts): users, conversations, messages,
 * events, what a bot sends. Platform payloads become these in each adapter; the core sees nothing else.
 */
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
  /**
   * Where the platform picks message ids (ACS): a key of this send, the same on every try of the run that
   * makes it (its event, handler and place among the run's sends). The adapter keeps it with the message, so
   * a send that a retried run makes again can find the first one. The Context sets it, or `id` instead.
   */
  sendKey?: string;
  /**
   * Set when this send may already have been made (the run is a retry): epoch ms before which it cannot
   * have been. The adapter looks for `sendKey` among the messages since then and answers the one it finds
   * instead of sending again.
   */
  repeatSince?: number;
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
