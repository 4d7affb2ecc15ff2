/**
 * The moderation verbs of a Context: ban, flag a message or a user, mute, shadow ban, unban, pin and
 * unpin. Each is behind its capability (`ctx.can('flag')`, …) and goes through the outbound layer like
 * every other verb; a platform without it throws NotSupportedError.
 */
import type { Adapter, BanOptions, Capability, ConversationRef } from '../adapters/adapter.ts';
import type { CallKind } from '../outbound/limits.ts';

/** What the verbs need from their Context. */
export interface ModerationHost {
  /** Checks the capability, then runs the verb through the outbound layer against this conversation. */
  act(capability: Capability, kind: CallKind, fn: (adapter: Adapter, conversation: ConversationRef) => Promise<void>): Promise<void>;
  /** The event's message id; throws naming `verb` when the event has no message. */
  eventMessageId(verb: string): string;
}

function checkMinutes(verb: string, minutes: number | undefined): void {
  if (minutes !== undefined && (!Number.isInteger(minutes) || minutes <= 0)) {
    throw new TypeError(`ctx.${verb}(): timeoutMinutes must be a whole number of minutes above 0 (got ${minutes}); leave it out for no end`);
  }
}

function checkUser(verb: string, userId: unknown): asserts userId is string {
  if (typeof userId !== 'string' || !userId) throw new TypeError(`ctx.${verb}() needs a user id`);
}

export function moderationVerbs(host: ModerationHost) {
  return {
    /** Bans a user here (app-wide with `global`). A bad `timeoutMinutes` rejects, as every call of the verb always has. */
    async ban(userId: string, options: BanOptions = {}): Promise<void> {
      checkMinutes('ban', options.timeoutMinutes);
      return host.act('ban', 'ban', (a, c) => a.ban!(c, userId, options));
    },

    /** Flags a message for review (default: the event's message). */
    flag(messageId?: string, options: { reason?: string } = {}): Promise<void> {
      const id = messageId ?? host.eventMessageId('flag');
      return host.act('flag', 'moderate', (a, c) => a.flag!(c, id, options));
    },

    /** Flags a user for review. */
    flagUser(userId: string, options: { reason?: string } = {}): Promise<void> {
      checkUser('flagUser', userId);
      return host.act('flag', 'moderate', (a, c) => a.flagUser!(c, userId, options));
    },

    /**
     * Mutes a user for the bot's own user (Stream's mutes are per user: no push from them to the bot). It
     * does not silence them for anyone else: `ban` or `shadowBan` do that.
     */
    mute(userId: string, options: { timeoutMinutes?: number } = {}): Promise<void> {
      checkUser('mute', userId);
      checkMinutes('mute', options.timeoutMinutes);
      return host.act('mute', 'moderate', (a, c) => a.mute!(c, userId, options));
    },

    /** Shadow bans a user here (or app-wide with `global`): they keep posting, and only they see it. */
    shadowBan(userId: string, options: BanOptions = {}): Promise<void> {
      checkUser('shadowBan', userId);
      checkMinutes('shadowBan', options.timeoutMinutes);
      return host.act('shadowBan', 'moderate', (a, c) => a.shadowBan!(c, userId, options));
    },

    /** Lifts a ban or shadow ban here (or the app-wide one with `global`). */
    unban(userId: string, options: { global?: boolean } = {}): Promise<void> {
      checkUser('unban', userId);
      return host.act('unban', 'moderate', (a, c) => a.unban!(c, userId, options));
    },

    /** Pins a message (default: the event's message), optionally for a while. */
    pin(messageId?: string, options: { expiresInSeconds?: number } = {}): Promise<void> {
      const id = messageId ?? host.eventMessageId('pin');
      if (options.expiresInSeconds !== undefined && !(options.expiresInSeconds > 0)) throw new TypeError('ctx.pin(): expiresInSeconds must be above 0');
      return host.act('pin', 'edit', (a, c) => a.pin!(c, id, options));
    },

    /** Unpins a message (default: the event's message). */
    unpin(messageId?: string): Promise<void> {
      const id = messageId ?? host.eventMessageId('unpin');
      return host.act('pin', 'edit', (a, c) => a.unpin!(c, id));
    },
  };
}

export type ModerationVerbs = ReturnType<typeof moderationVerbs>;
