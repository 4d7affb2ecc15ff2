/**
 * What a ban does, and when it ends. Stream refuses a banned user's new message (banned in the channel,
 * or app-wide) with 403 / code 17 ("not allowed") until the ban is lifted or its `timeout` runs out; a
 * shadow ban refuses nothing (the message is stored, marked `shadowed`). The wording is the one Stream's
 * API answers a suspended user's SendMessage with (seen in the wild: stream-chat-flutter issue #888).
 * The `banned` / `shadow_banned` flags on users and members follow the live bans: set by a ban, cleared
 * by an unban or once a timed ban has run out (the ban itself stays listed, as `query_banned_users`
 * lists expired bans unless told `exclude_expired_bans`).
 */
import { StreamApiError } from './errors.ts';
import type { BanRecord, ChannelRecord } from './records.ts';
import type { StreamStore } from './store.ts';

export const BANNED_SEND_DETAIL = 'Sorry, you do not have access to this feature. Your account is currently suspended from chat.';

/** Throws Stream's 403 / code 17 when `userId` is under a live (not shadow) ban in `ch` or app-wide. */
export function refuseBannedSender(store: StreamStore, ch: ChannelRecord, userId: string): void {
  if (store.isBanned(userId, ch.cid)) throw new StreamApiError('notAllowed', BANNED_SEND_DETAIL);
}

const live = (store: StreamStore, b: BanRecord) => !b.expires || Date.parse(b.expires) > store.nowMs();

/** Puts the user's and their memberships' `banned` / `shadow_banned` in step with the live bans (a shadow ban is not a ban). */
export function syncBanFlags(store: StreamStore, userId: string): void {
  const user = store.users.get(userId);
  const global = store.bans.find((b) => b.target_user_id === userId && !b.cid && !b.shadow && live(store, b));
  if (user) {
    user.banned = Boolean(global);
    user.shadow_banned = store.isShadowBanned(userId);
    if (global?.expires) user.ban_expires = global.expires;
    else delete user.ban_expires;
  }
  for (const ch of store.channels.values()) {
    const m = ch.members.get(userId);
    if (!m) continue;
    m.banned = store.isBanned(userId, ch.cid);
    m.shadow_banned = store.isShadowBanned(userId, ch.cid);
  }
}

// Timed bans whose end was already applied to the flags (a later ban is a new record).
const ended = new WeakSet<BanRecord>();

/** Brings down the flags of timed bans that have run out since last asked; cheap when none did. Call before reading users or members. */
export function settleExpiredBans(store: StreamStore): void {
  for (const b of store.bans) {
    if (!b.expires || ended.has(b) || live(store, b)) continue;
    ended.add(b);
    syncBanFlags(store, b.target_user_id);
  }
}
