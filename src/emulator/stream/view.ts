/**
 * A read-only view of the emulator's state, in the same shapes the API answers (copies, so callers
 * cannot change the emulator by mutating them). Made for tests and for a dev console.
 */
import { settleExpiredBans } from './ban-rules.ts';
import { muteResponse } from './moderation-shapes.ts';
import { activePins } from './pins.ts';
import { channelState, memberResponse, messageResponse, readResponse, userResponse } from './shapes.ts';
import type { StreamStore } from './store.ts';

type Json = Record<string, unknown>;

export interface StreamStateView {
  users(): Json[];
  user(id: string): Json | undefined;
  /** Every channel as a query answers it: `{ channel, members, messages, read, ... }` (last 25 messages). */
  channels(): Json[];
  channel(cid: string): Json | undefined;
  /** Messages of a channel in send order, thread replies and soft-deleted ones included. */
  messages(cid: string, options?: { parentId?: string }): Json[];
  message(id: string): Json | undefined;
  members(cid: string): Json[];
  /** Read state per member: `{ user, last_read, unread_messages, last_read_message_id }`. */
  reads(cid: string): Json[];
  /** Ids of the users currently typing in a channel (typing.start without a typing.stop yet). */
  typing(cid: string): string[];
  bans(): Json[];
  flags(): Json[];
  /** Every mute: `{ user, target, created_at, updated_at, expires? }` (expired ones included). */
  mutes(): Json[];
  /** A channel's pinned messages, most recently pinned first. */
  pinned(cid: string): Json[];
  /**
   * Messages the before-send hook rejected (stored nowhere: only their sender saw the error message),
   * as `{ cid, userId, text, rejection, at }`, of one channel or all.
   */
  rejected(cid?: string): Json[];
  /** Number of messages stored in a channel (or in all channels), deleted ones excluded. */
  messageCount(cid?: string): number;
}

export function createStateView(store: StreamStore): StreamStateView {
  // Copies, read after timed bans that ran out have come down (ban-rules.ts), as an API call would see them.
  const copy = <T>(v: T): T => structuredClone(v);
  const settled = () => settleExpiredBans(store);
  return {
    users: () => (settled(), [...store.users.values()].map((u) => copy(userResponse(u)))),
    user: (id) => {
      settled();
      const u = store.users.get(id);
      return u ? copy(userResponse(u)) : undefined;
    },
    channels: () => (settled(), [...store.channels.values()].map((ch) => copy(channelState(store, ch)))),
    channel: (cid) => {
      settled();
      const ch = store.channels.get(cid);
      return ch ? copy(channelState(store, ch, { messages: { limit: 25 } })) : undefined;
    },
    messages: (cid, options = {}) => {
      const ch = store.channels.get(cid);
      if (!ch) return [];
      return ch.messageIds
        .map((id) => store.messages.get(id)!)
        .filter((m) => m && (options.parentId === undefined || m.parent_id === options.parentId))
        .map((m) => copy(messageResponse(store, m)));
    },
    message: (id) => {
      const m = store.messages.get(id);
      return m ? copy(messageResponse(store, m)) : undefined;
    },
    members: (cid) => (settled(), [...(store.channels.get(cid)?.members.values() ?? [])].map((m) => copy(memberResponse(store, m)))),
    reads: (cid) => [...(store.channels.get(cid)?.reads.values() ?? [])].map((r) => copy(readResponse(store, r))),
    typing: (cid) => [...(store.typing.get(cid)?.keys() ?? [])],
    bans: () => store.bans.map((b) => copy({ ...b, user: userResponse(store.ensureUser(b.target_user_id)) })),
    flags: () => store.flags.map((f) => copy({ ...f })),
    mutes: () => store.mutes.map((m) => copy(muteResponse(store, m))),
    pinned: (cid) => {
      const ch = store.channels.get(cid);
      return ch ? activePins(store, ch).map((m) => copy(messageResponse(store, m))) : [];
    },
    rejected: (cid) =>
      store.preSendCalls
        .filter((c) => c.outcome === 'rejected' && (!cid || c.cid === cid))
        .map((c) => copy({ cid: c.cid, userId: c.userId, text: c.text, rejection: c.rejection, at: c.at })),
    messageCount: (cid) => {
      let n = 0;
      for (const m of store.messages.values()) if ((!cid || m.cid === cid) && !m.deleted_at) n++;
      return n;
    },
  };
}

