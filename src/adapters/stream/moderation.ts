/**
 * The Stream adapter's moderation verbs through the stream-chat server client, acting as the bot user:
 * ban / shadow ban / unban (channel-scoped through `channel.banUser`, app-wide through `client.banUser`),
 * flag a message or a user, mute (Stream mutes are per user: the bot mutes someone for itself), and
 * pin / unpin (partial updates of `pinned`, as the SDK's pinMessage does).
 */
import type { Channel, StreamChat } from 'stream-chat';
import type { Adapter, BanOptions, ConversationRef } from '../adapter.ts';

type Call = <T>(action: string, fn: () => Promise<T>) => Promise<T>;
type Verbs = Required<Pick<Adapter, 'ban' | 'shadowBan' | 'unban' | 'flag' | 'flagUser' | 'mute' | 'pin' | 'unpin'>>;

/** Ban options on the wire: who banned (server-side calls must say), why, for how many minutes. */
function banBody(botId: string, opts: BanOptions | undefined) {
  return { banned_by_id: botId, ...(opts?.reason ? { reason: opts.reason } : {}), ...(opts?.timeoutMinutes ? { timeout: opts.timeoutMinutes } : {}) };
}

export function streamModeration(client: StreamChat, botId: string, call: Call, channelOf: (c: ConversationRef) => Channel): Verbs {
  return {
    async ban(conversation, userId, opts) {
      const body = banBody(botId, opts);
      await call(`ban ${userId}`, () => (opts?.global ? client.banUser(userId, body) : channelOf(conversation).banUser(userId, body)));
    },
    async shadowBan(conversation, userId, opts) {
      const body = banBody(botId, opts);
      await call(`shadow ban ${userId}`, () => (opts?.global ? client.shadowBan(userId, body) : channelOf(conversation).shadowBan(userId, body)));
    },
    async unban(conversation, userId, opts) {
      // Stream's Unban lifts the ban in that scope, shadow or not (its API has no shadow parameter).
      await call(`unban ${userId}`, () => (opts?.global ? client.unbanUser(userId) : channelOf(conversation).unbanUser(userId)));
    },
    async flag(_conversation, messageId, opts) {
      await call(`flag ${messageId}`, () => client.flagMessage(messageId, { user_id: botId, ...(opts?.reason ? { reason: opts.reason } : {}) }));
    },
    async flagUser(_conversation, userId, opts) {
      await call(`flag user ${userId}`, () => client.flagUser(userId, { user_id: botId, ...(opts?.reason ? { reason: opts.reason } : {}) }));
    },
    async mute(_conversation, userId, opts) {
      await call(`mute ${userId}`, () => client.muteUser(userId, botId, opts?.timeoutMinutes ? { timeout: opts.timeoutMinutes } : {}));
    },
    async pin(_conversation, messageId, opts) {
      await call(`pin ${messageId}`, () => client.pinMessage(messageId, opts?.expiresInSeconds ?? null, botId));
    },
    async unpin(_conversation, messageId) {
      await call(`unpin ${messageId}`, () => client.unpinMessage(messageId, botId));
    },
  };
}
