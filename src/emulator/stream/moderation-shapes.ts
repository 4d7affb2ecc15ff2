/** Response shapes of mutes, bans and flags (SPEC UserMuteResponse, BanResponse, MessageFlagResponse), and the full user with their mutes. */
import type { BanRecord, FlagRecord, MuteRecord, UserRecord } from './records.ts';
import { channelResponse, messageResponse, userById, userResponse } from './shapes.ts';
import type { StreamStore } from './store.ts';

type Json = Record<string, unknown>;

const live = (store: StreamStore, expires: string | undefined) => !expires || Date.parse(expires) > store.nowMs();

/** The mutes `userId` made that have not expired. */
export function activeMutes(store: StreamStore, userId: string): MuteRecord[] {
  return store.mutes.filter((m) => m.user_id === userId && live(store, m.expires));
}

export function muteResponse(store: StreamStore, m: MuteRecord): Json {
  return { user: userById(store, m.user_id), target: userById(store, m.target_id), created_at: m.created_at, updated_at: m.updated_at, ...(m.expires ? { expires: m.expires } : {}) };
}

/**
 * A user as user endpoints answer it (SPEC FullUserResponse: upsert, partial update, query): the common
 * fields plus the owner's own lists and counters: their live mutes; devices, channel mutes and unread
 * counters, which the emulator keeps empty.
 */
export function fullUserResponse(store: StreamStore, u: UserRecord): Json {
  return {
    ...userResponse(u),
    devices: [],
    mutes: activeMutes(store, u.id).map((m) => muteResponse(store, m)),
    channel_mutes: [],
    unread_count: 0,
    total_unread_count: 0,
    unread_channels: 0,
    unread_threads: 0,
  };
}

export function banIsLive(store: StreamStore, b: BanRecord): boolean {
  return live(store, b.expires);
}

export function banResponse(store: StreamStore, b: BanRecord): Json {
  const ch = b.cid ? store.channels.get(b.cid) : undefined;
  return {
    user: userById(store, b.target_user_id),
    ...(b.banned_by_id ? { banned_by: userById(store, b.banned_by_id) } : {}),
    ...(ch ? { channel: channelResponse(store, ch) } : {}),
    ...(b.reason ? { reason: b.reason } : {}),
    ...(b.expires ? { expires: b.expires } : {}),
    shadow: b.shadow,
    created_at: b.created_at,
  };
}

/** A message flag as QueryMessageFlags answers it; undefined when the message is gone. */
export function messageFlagResponse(store: StreamStore, f: FlagRecord): Json | undefined {
  const m = f.target_message_id ? store.messages.get(f.target_message_id) : undefined;
  if (!m) return undefined;
  return { message: messageResponse(store, m), user: userById(store, f.user_id), ...(f.reason ? { reason: f.reason } : {}), created_at: f.created_at, updated_at: f.created_at, created_by_automod: false };
}
