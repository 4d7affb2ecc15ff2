/**
 * What the console needs of one emulated platform. Each implementation acts as a user would: it reads
 * what a member client could read and changes things only through the emulator's HTTP API with a
 * user's credentials (Stream: a user JWT; ACS: a user's chat token).
 */
import type { ConsoleAbilities, ConsoleConversation, ConsolePlatformName, ConsoleUser, ConversationSnapshot } from './types.ts';

/** A file the page uploads: its name, MIME type and bytes. */
export interface UploadInput {
  name: string;
  type: string;
  data: Buffer;
}

/** A change in the emulator: `id` names the conversation that changed; `list` says the list itself changed. */
export interface PlatformChange {
  id?: string;
  list?: boolean;
  users?: boolean;
  /** The change shows in every conversation of the platform (an app-wide ban, a mute). */
  everywhere?: boolean;
}

export interface ConsolePlatform {
  readonly name: ConsolePlatformName;
  /** What the optional verbs below can do here (a string says why not). */
  readonly abilities: ConsoleAbilities;
  /** The runtime's bot on this platform (known once the runtime started). */
  bot(): ConsoleUser | undefined;
  users(): ConsoleUser[];
  /** A display name for a user or conversation id, for the inspector (undefined when unknown). */
  nameOf(kind: 'user' | 'conversation', id: string): string | undefined;
  createUser(name: string): Promise<ConsoleUser>;
  conversations(): ConsoleConversation[];
  /** As `viewer` sees it (their rejected messages, shadowed ones); undefined when there is no such conversation. */
  snapshot(id: string, viewer?: string): ConversationSnapshot | undefined;
  /** Creates a conversation as `as`, with `members` (the creator always joins). */
  createConversation(input: { name: string; as: string; members: string[] }): Promise<ConsoleConversation>;
  post(id: string, as: string, input: { text: string; parentId?: string }): Promise<{ id: string }>;
  addMember(id: string, as: string, userId: string): Promise<void>;
  removeMember(id: string, as: string, userId: string): Promise<void>;
  typing(id: string, as: string): Promise<void>;
  /** Changes the text of `as`'s own message. */
  editMessage(id: string, as: string, messageId: string, text: string): Promise<void>;
  /** Deletes `as`'s own message (soft, as clients do). */
  deleteMessage(id: string, as: string, messageId: string): Promise<void>;
  /** Renames the conversation (Stream channel name, ACS topic). */
  rename(id: string, as: string, name: string): Promise<void>;
  /** Adds (`on`) or removes a reaction of `as`. */
  react?(id: string, as: string, messageId: string, type: string, on: boolean): Promise<void>;
  /** Uploads a file through the platform's file endpoint and posts it, with `text`, as `as`. */
  upload?(id: string, as: string, file: UploadInput, message: { text?: string; parentId?: string }): Promise<{ id: string }>;
  flag?(id: string, as: string, messageId: string): Promise<void>;
  pin?(id: string, as: string, messageId: string, on: boolean): Promise<void>;
  mute?(as: string, userId: string, on: boolean): Promise<void>;
  /** Asks the bot streaming a reply here to stop, as `as`'s client does (Stream's ai_indicator.stop). */
  stopAi?(id: string, as: string): Promise<void>;
  /** Bans (or lifts the ban of) `userId` in this conversation, acting as `as` (a moderator's call). */
  ban?(id: string, as: string, userId: string, on: boolean): Promise<void>;
  /** Subscribes to the emulator's change feed; returns the unsubscribe function. */
  watch(listener: (change: PlatformChange) => void): () => void;
  close(): void;
}

/** A refusal to show the page user: the emulator's own status and message, or a bad request. */
export class ConsoleError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ConsoleError';
  }
}

/** A readable id from a display name: `Alice Smith` → `alice-smith`. */
export function slug(name: string): string {
  const s = name.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '');
  return s || 'user';
}

/** The first of `base`, `base-2`, `base-3`… that `taken` does not hold. */
export function freeId(base: string, taken: (id: string) => boolean): string {
  if (!taken(base)) return base;
  for (let i = 2; ; i++) if (!taken(`${base}-${i}`)) return `${base}-${i}`;
}

/** Users whose `@name` or `@id` occurs in `text` (case-insensitive, not followed by a word character). */
export function mentionedIn(text: string, candidates: ConsoleUser[]): ConsoleUser[] {
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return candidates.filter((u) =>
    [u.name, u.id].some((n) => n && new RegExp(`@${esc(n)}(?![\\w])`, 'i').test(text)),
  );
}
