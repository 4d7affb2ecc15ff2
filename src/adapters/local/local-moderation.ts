/**
 * Moderation on the local platform (the test kit): bans (timed, shadow, app-wide), unban, flags, mutes
 * and pins, recorded in the local state and announced with the events Stream sends (`user.banned`,
 * `user.unbanned`, `user.muted`, `message.flagged`), so a moderation bot can be tested end to end.
 */
import type { Adapter, BanOptions, ConversationRef, InboundEvent, UserRef } from '../adapter.ts';
import type { LocalBan, LocalState } from './local-state.ts';

export type LocalEmit = (partial: Omit<InboundEvent, 'id' | 'platform' | 'occurredAt' | 'raw'>) => Promise<void>;

export interface LocalModerationDeps {
  state: LocalState;
  botUser: UserRef;
  emit: LocalEmit;
  now?: () => number;
}

type Verbs = Required<Pick<Adapter, 'ban' | 'shadowBan' | 'unban' | 'flag' | 'flagUser' | 'mute' | 'pin' | 'unpin'>>;

const live = (ban: LocalBan, nowMs: number) => !ban.expiresAt || Date.parse(ban.expiresAt) > nowMs;

/** The ban that holds `userId` in a conversation right now (its own or app-wide), if any. */
export function activeBan(state: LocalState, conversationId: string, userId: string, nowMs = Date.now()): LocalBan | undefined {
  const here = state.conversations.get(conversationId)?.bans ?? [];
  return [...here, ...state.bans].find((b) => b.userId === userId && live(b, nowMs));
}

export function localModeration(deps: LocalModerationDeps): Verbs {
  const { state, botUser, emit } = deps;
  const now = deps.now ?? Date.now;
  const expiry = (minutes: number | undefined) => (minutes ? new Date(now() + minutes * 60_000).toISOString() : undefined);

  async function banUser(c: ConversationRef, userId: string, opts: BanOptions | undefined, shadow: boolean): Promise<void> {
    const list = opts?.global ? state.bans : state.conversation(c.id).bans;
    const at = list.findIndex((b) => b.userId === userId);
    if (at >= 0) list.splice(at, 1);
    const expiresAt = expiry(opts?.timeoutMinutes);
    list.push({ userId, ...(opts?.reason ? { reason: opts.reason } : {}), ...(expiresAt ? { expiresAt } : {}), ...(shadow ? { shadow: true } : {}) });
    // A (non-shadow) ban here also takes them out of the conversation, as it always did on this platform.
    if (!shadow && !opts?.global) state.conversation(c.id).members.delete(userId);
    const target = state.user({ id: userId });
    await emit({
      type: 'user.banned',
      conversation: c,
      sender: botUser,
      member: target,
      moderation: { target, ...(opts?.reason ? { reason: opts.reason } : {}), ...(expiresAt ? { expiresAt } : {}), shadow, global: opts?.global === true },
    });
  }

  return {
    ban: (c, userId, opts) => banUser(c, userId, opts, false),
    shadowBan: (c, userId, opts) => banUser(c, userId, opts, true),
    async unban(c, userId, opts) {
      const list = opts?.global ? state.bans : state.conversation(c.id).bans;
      const before = list.length;
      for (let i = list.length - 1; i >= 0; i--) if (list[i]!.userId === userId) list.splice(i, 1);
      const target = state.user({ id: userId });
      if (list.length !== before) await emit({ type: 'user.unbanned', conversation: c, sender: botUser, member: target, moderation: { target, global: opts?.global === true } });
    },
    async flag(c, messageId, opts) {
      const conv = state.conversation(c.id);
      const message = conv.find(messageId);
      conv.flags.push({ by: botUser.id, messageId, ...(opts?.reason ? { reason: opts.reason } : {}) });
      const totalFlags = conv.flags.filter((f) => f.messageId === messageId).length;
      await emit({ type: 'message.flagged', conversation: c, sender: botUser, message: { ...message }, moderation: { ...(opts?.reason ? { reason: opts.reason } : {}), totalFlags } });
    },
    async flagUser(c, userId, opts) {
      state.conversation(c.id).flags.push({ by: botUser.id, userId, ...(opts?.reason ? { reason: opts.reason } : {}) });
    },
    async mute(c, userId, opts) {
      const expiresAt = expiry(opts?.timeoutMinutes);
      const i = state.mutes.findIndex((m) => m.by === botUser.id && m.userId === userId);
      if (i >= 0) state.mutes.splice(i, 1);
      state.mutes.push({ by: botUser.id, userId, ...(expiresAt ? { expiresAt } : {}) });
      const target = state.user({ id: userId });
      // As on Stream, user.muted says who muted whom; the expiry stays on the mute.
      await emit({ type: 'user.muted', conversation: c, sender: botUser, moderation: { target } });
    },
    async pin(c, messageId) {
      state.conversation(c.id).find(messageId).pinned = true;
    },
    async unpin(c, messageId) {
      delete state.conversation(c.id).find(messageId).pinned;
    },
  };
}
