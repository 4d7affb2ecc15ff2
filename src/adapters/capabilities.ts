/**
 * The optional verbs an adapter may have, as `ctx.can(capability)` names them, and the AI indicator's
 * states and updates (capability `aiIndicator`).
 */

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
