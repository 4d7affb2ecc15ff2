/**
 * The shapes the console's backend hands its page. Both platforms are normalized into these, so the
 * page has one rendering path; `raw` platform data never reaches the browser.
 */

/** `stream:<cid>` or `acs:<thread id>`: the ConversationRef string form. */
export type ConversationKey = string;

export type ConsolePlatformName = 'stream' | 'acs';

export interface ConsoleUser {
  id: string;
  name: string;
  /** The runtime's own bot user on this platform. */
  isBot?: boolean;
}

/** A member as the conversation's panel shows them, with what moderation says about them. */
export interface ConsoleMember extends ConsoleUser {
  /** Banned here or app-wide, with when it ends. */
  banned?: { until?: string; reason?: string };
  /** Shadow-banned here or app-wide: their messages reach nobody else, and they are not told. */
  shadowBanned?: { until?: string; reason?: string };
  /** The users who muted this one (Stream mutes are per user). */
  mutedBy?: ConsoleUser[];
}

/** What the console can do on a platform; a string says why it cannot (the page shows it). */
export type ConsoleVerb = 'react' | 'edit' | 'delete' | 'upload' | 'rename' | 'flag' | 'pin' | 'mute' | 'ban' | 'stop';
export type ConsoleAbilities = Record<ConsoleVerb, true | string>;

export interface ConsoleConversation {
  key: ConversationKey;
  platform: ConsolePlatformName;
  /** The platform's id: a Stream cid or an ACS thread id. */
  id: string;
  name: string;
  memberCount: number;
  lastMessageAt?: string;
}

export interface ConsoleAttachment {
  type: string;
  url?: string;
  title?: string;
}

export interface ConsoleMessage {
  id: string;
  user?: ConsoleUser;
  /** Plain text (ACS html is reduced to text; attachments and mention markup taken out). */
  text: string;
  attachments: ConsoleAttachment[];
  /** Users the message mentions: the page highlights `@<name>` for each. */
  mentions: ConsoleUser[];
  /** Thread parent (Stream `parent_id`, ACS `botyard.parentId` metadata). */
  parentId?: string;
  createdAt: string;
  editedAt?: string;
  deleted: boolean;
  /** A system line (ACS participantAdded/Removed, topicUpdated; Stream system messages). */
  system?: boolean;
  /** Members whose last read message is this one. */
  readBy: ConsoleUser[];
  /** Reactions by type; `mine` when the viewing user gave this one. */
  reactions?: Array<{ type: string; count: number; users: string[]; mine: boolean }>;
  pinned?: { by?: string; at?: string };
  /** How many flags the message has. */
  flags?: number;
  /** Sent silently: no unread count, no push. */
  silent?: boolean;
  /** From a shadow-banned user: only its author sees it (the viewer is the author). */
  shadowed?: boolean;
  /** Refused before it was stored: only its sender sees it, with the notice they got back. */
  rejected?: { notice: string };
  /** Written by an AI (Stream's `ai_generated`): a streamed reply. */
  aiGenerated?: boolean;
}

/** The AI indicator a client shows while a bot streams a reply (Stream's ai_indicator.update). */
export interface ConsoleAiIndicator {
  /** AI_STATE_THINKING, AI_STATE_GENERATING, AI_STATE_EXTERNAL_SOURCES, AI_STATE_ERROR. */
  state: string;
  by: ConsoleUser;
  /** The message being written. */
  messageId?: string;
  at: string;
}

/** Everything the page shows about one conversation, as a member client would see it. */
export interface ConversationSnapshot {
  conversation: ConsoleConversation;
  /** Oldest first, thread replies included (the page nests them under their parent). */
  messages: ConsoleMessage[];
  members: ConsoleMember[];
  /** Whose eyes the snapshot is seen through (rejected and shadowed messages depend on it). */
  viewer?: string;
  /** Users typing right now. */
  typing: ConsoleUser[];
  /** The AI indicator shown now, while a bot streams a reply. */
  ai?: ConsoleAiIndicator;
}

/** One handler's part in an inspector line. */
export interface InspectorRun {
  bot: string;
  handler: string;
  ms: number;
  error?: string;
  skipped?: string;
  /** Before-send handlers: what the handler said (allow, reject, rewrite, timeout, error, skipped). */
  result?: string;
  /** Before-send handlers: the reject reason, or what the handler threw. */
  detail?: string;
}

/**
 * One line of the event inspector: an inbound event and what the bots did with it; a schedule (its
 * ticks folded into one line); a before-send decision; or a streamed reply.
 */
export interface InspectorEntry {
  /** The event id; `schedule:<bot>:<name>` for a schedule's line; `before-send:<call id>` for a decision. */
  id: string;
  kind: 'event' | 'schedule' | 'decision' | 'stream';
  type: string;
  platform: string;
  /** The conversation key, and its name as the platform shows it. */
  conversation?: string;
  conversationName?: string;
  /** Who caused it (display name when known). */
  sender?: string;
  /** The member added or removed (member.* events). */
  member?: string;
  text?: string;
  at: string;
  outcome?: 'accepted' | 'duplicate' | 'ignored';
  /** Why an event was ignored or was a duplicate, in words. */
  reason?: string;
  /** How many times the platform delivered it again after it was accepted (answered as duplicates). */
  redelivered?: number;
  /** Ignored events of one kind about one message (a streamed reply's own updates) fold into one line: how many. */
  repeats?: number;
  runs?: InspectorRun[];
  /** Why no handler ran, in words, when none did. */
  note?: string;
  /** The bots whose handlers ran (the page filters on it). */
  bots: string[];
  /** Schedules: how many ticks this line folds, and how many of them failed. */
  ticks?: number;
  failedTicks?: number;
  /** Streamed replies (ctx.stream): the indicator states shown, partial updates, length, and how it ended. */
  stream?: { states: string[]; updates: number; chars: number; outcome?: string; messageId?: string; startedAt: string };
  /** Before-send decisions: the verdict and the time it took. */
  decision?: { verdict: string; ms: number; budgetMs: number; notice?: string; policy?: string; skipped?: string };
}

/** What an inspector line opens to: the normalized event (or decision) and the platform's own payload. */
export interface InspectorDetail {
  entry: InspectorEntry;
  event: unknown;
  raw: unknown;
}

/** A pending (or failed) one-off timer, as the schedules panel lists it. */
export interface ConsoleTimer {
  bot: string;
  id: string;
  /** The `bot.timer(name)` handler it runs. */
  name: string;
  dueAt: string;
  /** When it runs: `dueAt`, or a retry's time. */
  nextRunAt: string;
  state: 'pending' | 'failed';
  attempt: number;
  conversation?: ConversationKey;
  conversationName?: string;
  /** Who it is for (display name when known). */
  user?: string;
  /** The payload, as short text. */
  payload?: string;
  /** The last failure. */
  error?: string;
}
