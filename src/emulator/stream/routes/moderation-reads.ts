/** Reading moderation back: banned users, message flags, a channel's pinned messages. */
import { inputError } from '../errors.ts';
import { matches, sortDocs, type SortSpec } from '../filter.ts';
import { parsePayload, type Json, type Route } from '../http.ts';
import { banIsLive, banResponse, messageFlagResponse } from '../moderation-shapes.ts';
import { activePins } from '../pins.ts';
import { messageResponse } from '../shapes.ts';

/** Runs a filter, turning an unsupported operator into Stream's code 4. */
function filtered<T>(list: T[], doc: (item: T) => Json, filter: unknown): T[] {
  try {
    return list.filter((item) => matches(doc(item), filter as Json | undefined));
  } catch (err) {
    throw inputError((err as Error).message);
  }
}

function page<T>(list: T[], payload: Json, defaultLimit: number): T[] {
  const offset = Number(payload.offset ?? 0);
  return list.slice(offset, offset + Number(payload.limit ?? defaultLimit));
}

export const moderationReadRoutes: Route[] = [
  {
    method: 'GET',
    path: '/query_banned_users',
    op: 'QueryBannedUsers',
    handler: ({ query, store }) => {
      const payload = parsePayload(query);
      const doc = (b: (typeof store.bans)[number]) => ({ user_id: b.target_user_id, banned_by_id: b.banned_by_id, channel_cid: b.cid, reason: b.reason, shadow: b.shadow, created_at: b.created_at, expires: b.expires });
      let bans = filtered(store.bans, doc, payload.filter_conditions);
      if (payload.exclude_expired_bans === true) bans = bans.filter((b) => banIsLive(store, b));
      bans = sortDocs(bans, (payload.sort as SortSpec | undefined) ?? [{ field: 'created_at', direction: -1 }], doc);
      return { bans: page(bans, payload, 25).map((b) => banResponse(store, b)) };
    },
  },
  {
    method: 'GET',
    path: '/moderation/flags/message',
    op: 'QueryMessageFlags',
    handler: ({ query, store }) => {
      const payload = parsePayload(query);
      const flags = store.flags.filter((f) => f.target_message_id && store.messages.has(f.target_message_id));
      const doc = (f: (typeof flags)[number]) => {
        const m = store.messages.get(f.target_message_id!)!;
        return { channel_cid: m.cid, user_id: m.user_id, flagged_by: f.user_id, reason: f.reason, created_at: f.created_at, is_reviewed: false };
      };
      const out = page(filtered(flags, doc, payload.filter_conditions), payload, 10);
      return { flags: out.map((f) => messageFlagResponse(store, f)).filter(Boolean) };
    },
  },
  {
    method: 'GET',
    path: '/channels/:type/:id/pinned_messages',
    op: 'GetPinnedMessages',
    handler: ({ params, query, store, auth }) => {
      const ch = store.channel(params.type!, params.id!);
      const payload = parsePayload(query);
      const viewer = auth.kind === 'user' ? auth.userId : undefined;
      const pins = activePins(store, ch).filter((m) => !m.shadowed || viewer === undefined || viewer === m.user_id);
      return { messages: page(pins, payload, 25).map((m) => messageResponse(store, m, viewer)) };
    },
  },
];
