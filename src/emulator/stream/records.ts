/** The emulator's in-memory records. Custom fields live in `custom` and are flattened on output. */
export type Custom = Record<string, unknown>;

export interface UserRecord {
  id: string;
  role: string;
  created_at: string;
  updated_at: string;
  banned: boolean;
  ban_expires?: string;
  /** Under an app-wide shadow ban (others see it; the user themselves never does). */
  shadow_banned?: boolean;
  /** Set by a soft delete (`DELETE /users/{id}`): the user stays readable but leaves queries. */
  deleted_at?: string;
  custom: Custom;
}

export interface MemberRecord {
  user_id: string;
  /** `channel_member`, `channel_moderator`, or a custom role. */
  channel_role: 'channel_member' | 'channel_moderator' | (string & {});
  /** The channel's creator is the owner when they are a member. */
  owner: boolean;
  created_at: string;
  updated_at: string;
  banned: boolean;
  ban_expires?: string;
  shadow_banned: boolean;
}

export interface ReadRecord {
  user_id: string;
  last_read: string;
  last_read_message_id?: string;
  unread_messages: number;
}

export interface ChannelRecord {
  type: string;
  id: string;
  cid: string;
  created_by_id: string;
  created_at: string;
  updated_at: string;
  custom: Custom;
  frozen: boolean;
  disabled: boolean;
  members: Map<string, MemberRecord>;
  reads: Map<string, ReadRecord>;
  /** Message ids in send order, replies included. */
  messageIds: string[];
  last_message_at?: string;
  truncated_at?: string;
}

export interface ReactionRecord {
  type: string;
  user_id: string;
  message_id: string;
  score: number;
  created_at: string;
  updated_at: string;
  custom: Custom;
}

export interface MessageRecord {
  id: string;
  cid: string;
  text: string;
  type: string;
  user_id: string;
  attachments: Custom[];
  mentioned_users: string[];
  parent_id?: string;
  show_in_channel?: boolean;
  quoted_message_id?: string;
  silent: boolean;
  pinned: boolean;
  pinned_at?: string;
  pinned_by_id?: string;
  pin_expires?: string;
  /** Sent while its author was shadow banned: shown to the author only. */
  shadowed?: boolean;
  created_at: string;
  updated_at: string;
  deleted_at?: string;
  message_text_updated_at?: string;
  reply_count: number;
  reactions: ReactionRecord[];
  /** Users who deleted the message for themselves only ("delete for me"); others still see it. */
  deleted_for?: string[];
  custom: Custom;
}

export interface BanRecord {
  target_user_id: string;
  banned_by_id?: string;
  /** Set for a channel-scoped ban. */
  cid?: string;
  reason?: string;
  expires?: string;
  shadow: boolean;
  created_at: string;
}

/** `user_id` muted `target_id` (Stream mutes are per user: no push from the target to the muter). */
export interface MuteRecord {
  user_id: string;
  target_id: string;
  created_at: string;
  updated_at: string;
  expires?: string;
}

export interface FlagRecord {
  target_message_id?: string;
  target_user_id?: string;
  user_id: string;
  reason?: string;
  created_at: string;
}

/** A custom role (`POST /roles`); usable as a user role and as a channel role. */
export interface RoleRecord {
  name: string;
  created_at: string;
  updated_at: string;
}

/** App settings as `GET /app` shows them. */
export interface AppSettingsRecord {
  name: string;
  webhook_url?: string;
  event_hooks: Array<{ id?: string; enabled?: boolean; hook_type?: string; webhook_url?: string; event_types?: string[] }>;
  custom: Custom;
}

/** Keys of a message body that are Stream's own, not custom data. */
export const MESSAGE_RESERVED = new Set([
  'id', 'text', 'html', 'type', 'user', 'user_id', 'attachments', 'mentioned_users', 'parent_id', 'show_in_channel',
  'quoted_message_id', 'silent', 'pinned', 'pinned_at', 'pin_expires', 'pinned_by', 'created_at', 'updated_at',
  'deleted_at', 'latest_reactions', 'own_reactions', 'reaction_counts', 'reaction_scores', 'reaction_groups',
  'reply_count', 'deleted_reply_count', 'cid', 'command', 'args', 'i18n', 'mentioned_groups', 'quoted_message',
  'message_text_updated_at', 'shadowed', 'restricted_visibility', 'poll_id', 'thread_participants', 'channel',
]);

/** Keys of channel data that are Stream's own. `name` and `image` are custom on the wire. */
export const CHANNEL_RESERVED = new Set([
  'id', 'type', 'cid', 'config', 'created_by', 'created_by_id', 'member_count', 'members', 'created_at', 'updated_at',
  'last_message_at', 'own_capabilities', 'frozen', 'disabled', 'truncated_at', 'deleted_at', 'hidden', 'team',
]);

export const USER_RESERVED = new Set([
  'id', 'role', 'created_at', 'updated_at', 'banned', 'online', 'last_active', 'deactivated_at', 'deleted_at',
  'ban_expires', 'teams', 'teams_role', 'shadow_banned', 'revoke_tokens_issued_before',
]);

export function splitCustom(input: Record<string, unknown>, reserved: Set<string>): Custom {
  const custom: Custom = {};
  for (const [k, v] of Object.entries(input)) if (!reserved.has(k) && v !== undefined) custom[k] = v;
  return custom;
}
