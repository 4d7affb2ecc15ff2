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
}

/** Everything the page shows about one conversation, as a member client would see it. */
export interface ConversationSnapshot {
  conversation: ConsoleConversation;
  /** Oldest first, thread replies included (the page nests them under their parent). */
  messages: ConsoleMessage[];
  members: ConsoleUser[];
  /** Users typing right now. */
  typing: ConsoleUser[];
}

/** One line of the event inspector: an inbound event and what the bots did with it. */
export interface InspectorEntry {
  /** The event id (dedupe key); schedule ticks have their own. */
  id: string;
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
  runs?: Array<{ bot: string; handler: string; ms: number; error?: string; skipped?: string }>;
}
