/**
 * The local platform's in-memory state: users and conversations with messages, members,
 * moderators, read state, typing, bans. Conversations appear on first use.
 */
import type { AiState, Message, UserRef } from '../adapter.ts';

export interface LocalMessage extends Message {
  reactions: Array<{ type: string; user: string }>;
  /** Set on what `say` returns when a beforeSend handler rejected it (it is in no conversation). */
  rejected?: { notice: string; by: string; reason: string };
}

/** A ban in a conversation, or app-wide (`LocalState.bans`). */
export interface LocalBan {
  userId: string;
  reason?: string;
  /** ISO time it ends; absent: until unbanned. */
  expiresAt?: string;
  /** A shadow ban: the user keeps posting, only they see it. */
  shadow?: boolean;
}

export interface LocalConversation {
  id: string;
  name: string | undefined;
  messages: LocalMessage[];
  members: Set<string>;
  moderators: Set<string>;
  /** userId → id of the last message they read. */
  reads: Map<string, string>;
  typing: Array<{ user: string; at: string; stop: boolean }>;
  bans: LocalBan[];
  /** Flags raised here: on a message (`messageId`) or on a user (`userId`), by whom. */
  flags: Array<{ by: string; messageId?: string; userId?: string; reason?: string }>;
  /** Messages a beforeSend handler rejected: only their sender ever saw them. */
  rejected: LocalMessage[];
  /** AI indicator events in order: the bot's states (`clear` included) and users' `stop`s. */
  indicators: Array<{ state: AiState | 'clear' | 'stop'; messageId?: string; message?: string; user: string; at: string }>;
  /** message id → every text the message had, as posted first, then after each edit. */
  revisions: Map<string, string[]>;
  post(message: Omit<Message, 'id'> & { id?: string }): LocalMessage;
  /** The message with this id; throws when there is none. */
  find(id: string): LocalMessage;
}

export interface LocalState {
  users: Map<string, UserRef>;
  conversations: Map<string, LocalConversation>;
  /** App-wide bans (`ban(id, { global: true })`). */
  bans: LocalBan[];
  /** Mutes: `by` muted `userId` for themselves. */
  mutes: Array<{ by: string; userId: string; expiresAt?: string }>;
  /** The user, registered on first sight (a later name fills in a missing one). */
  user(user: UserRef): UserRef;
  conversation(id: string): LocalConversation;
}

/** `now`: the time messages are stamped with (the test kit's clock). Default: the real time. */
export function createLocalState(now: () => number = Date.now): LocalState {
  const users = new Map<string, UserRef>();
  const conversations = new Map<string, LocalConversation>();
  let messageSeq = 0;

  function newConversation(id: string): LocalConversation {
    const c: LocalConversation = {
      id,
      name: undefined,
      messages: [],
      members: new Set(),
      moderators: new Set(),
      reads: new Map(),
      typing: [],
      bans: [],
      flags: [],
      rejected: [],
      indicators: [],
      revisions: new Map(),
      post(message) {
        const m: LocalMessage = { ...message, id: message.id ?? `m${++messageSeq}`, createdAt: new Date(now()).toISOString(), reactions: [] };
        c.messages.push(m);
        c.revisions.set(m.id, [m.text]);
        return m;
      },
      find(messageId) {
        const m = c.messages.find((x) => x.id === messageId);
        if (!m) throw new Error(`No message '${messageId}' in local conversation '${id}'`);
        return m;
      },
    };
    return c;
  }

  return {
    users,
    conversations,
    bans: [],
    mutes: [],
    user(u) {
      const known = users.get(u.id);
      const merged = { ...known, ...u, ...(u.name ?? known?.name ? { name: u.name ?? known?.name } : {}) };
      users.set(u.id, merged);
      return merged;
    },
    conversation(id) {
      let c = conversations.get(id);
      if (!c) conversations.set(id, (c = newConversation(id)));
      return c;
    },
  };
}
