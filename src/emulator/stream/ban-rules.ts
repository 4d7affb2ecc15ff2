/**
 * What a ban stops. Stream refuses a banned user's new message (banned in the channel, or app-wide)
 * with 403 / code 17 ("not allowed") until the ban is lifted or its `timeout` runs out; a shadow ban
 * refuses nothing (the message is stored, marked `shadowed`). The wording is the one Stream's API
 * answers a suspended user's SendMessage with (seen in the wild: stream-chat-flutter issue #888).
 */
import { StreamApiError } from './errors.ts';
import type { ChannelRecord } from './records.ts';
import type { StreamStore } from './store.ts';

export const BANNED_SEND_DETAIL = 'Sorry, you do not have access to this feature. Your account is currently suspended from chat.';

/** Throws Stream's 403 / code 17 when `userId` is under a live (not shadow) ban in `ch` or app-wide. */
export function refuseBannedSender(store: StreamStore, ch: ChannelRecord, userId: string): void {
  if (store.isBanned(userId, ch.cid)) throw new StreamApiError('notAllowed', BANNED_SEND_DETAIL);
}
