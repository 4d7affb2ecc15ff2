/**
 * Read-only queries the SDKs expose beyond channel queries: members (`GET /members`), message search
 * (`GET /search`) and messages by id (`GET /channels/{type}/{id}/messages?ids=`).
 */
import { inputError } from '../errors.ts';
import { matches, sortDocs, type SortSpec } from '../filter.ts';
import { parsePayload, type Json, type Route } from '../http.ts';
import type { ChannelRecord, MemberRecord, MessageRecord } from '../records.ts';
import { channelResponse, memberResponse, messageResponse } from '../shapes.ts';
import type { StreamStore } from '../store.ts';
import { distinctChannelId, matchChannels } from './channels.ts';

/** A member as query filters see it: the user's fields (custom ones flat) plus the membership's. */
function memberDoc(store: StreamStore, m: MemberRecord): Json {
  const shaped = memberResponse(store, m);
  return { ...(shaped.user as Json), ...shaped, id: m.user_id, joined: true };
}

function tryMatch<T>(items: T[], filter: Json | undefined, view: (item: T) => Json): T[] {
  try {
    return items.filter((x) => matches(view(x), filter));
  } catch (err) {
    throw inputError((err as Error).message);
  }
}

function page<T>(items: T[], payload: Json, fallbackLimit: number, maxLimit: number): T[] {
  const offset = Number(payload.offset ?? 0);
  const limit = Number(payload.limit ?? fallbackLimit);
  if (!Number.isInteger(offset) || offset < 0) throw inputError('offset must be a non-negative integer');
  if (!Number.isInteger(limit) || limit < 0 || limit > maxLimit) throw inputError(`limit must be an integer between 0 and ${maxLimit}`);
  return items.slice(offset, offset + limit);
}

function channelOfPayload(store: StreamStore, payload: Json): ChannelRecord {
  if (typeof payload.type !== 'string' || !payload.type) throw inputError('type is a required field');
  if (typeof payload.id === 'string' && payload.id) return store.channel(payload.type, payload.id);
  const members = payload.members;
  if (Array.isArray(members) && members.length >= 2) {
    const ids = members.map((m) => (typeof m === 'string' ? m : String((m as { user_id?: unknown }).user_id)));
    return store.channel(payload.type, distinctChannelId(ids));
  }
  throw inputError('either id or members (of a distinct channel) must be provided');
}

export const queryRoutes: Route[] = [
  {
    method: 'GET',
    path: '/members',
    op: 'QueryMembers',
    handler: ({ query, store }) => {
      const payload = parsePayload(query);
      const ch = channelOfPayload(store, payload);
      const filter = (payload.filter_conditions ?? {}) as Json;
      let list = tryMatch([...ch.members.values()], filter, (m) => memberDoc(store, m));
      const sort = Array.isArray(payload.sort) && payload.sort.length ? (payload.sort as SortSpec) : [{ field: 'created_at', direction: 1 }];
      list = sortDocs(list, sort, (m) => memberDoc(store, m));
      return { members: page(list, payload, 100, 300).map((m) => memberResponse(store, m)) };
    },
  },
  {
    method: 'GET',
    path: '/search',
    op: 'Search',
    handler: ({ query, store }) => {
      const payload = parsePayload(query);
      const channelFilter = payload.filter_conditions as Json | undefined;
      if (!channelFilter || typeof channelFilter !== 'object' || Object.keys(channelFilter).length === 0) {
        throw inputError('filter_conditions is a required field: search needs a channel filter, e.g. { cid: "messaging:general" }');
      }
      const text = typeof payload.query === 'string' ? payload.query.toLowerCase() : undefined;
      const messageFilter = payload.message_filter_conditions as Json | undefined;
      if (text === undefined && !messageFilter) throw inputError('either query or message_filter_conditions must be provided');
      const found: MessageRecord[] = [];
      for (const ch of matchChannels(store, channelFilter)) {
        for (const id of ch.messageIds) {
          const m = store.messages.get(id);
          if (m && !m.deleted_at && (text === undefined || m.text.toLowerCase().includes(text))) found.push(m);
        }
      }
      const view = (m: MessageRecord): Json => ({ ...messageResponse(store, m), user_id: m.user_id, 'user.id': m.user_id });
      let list = messageFilter ? tryMatch(found, messageFilter, view) : found;
      // Stream ranks by relevance when no sort is given; for substring matches the newest come first.
      const sort = Array.isArray(payload.sort) && payload.sort.length ? (payload.sort as SortSpec) : [{ field: 'created_at', direction: -1 }];
      list = sortDocs(list, sort, view);
      const offset = typeof payload.next === 'string' && payload.next ? Number(payload.next) : Number(payload.offset ?? 0);
      const limit = Number(payload.limit ?? 20);
      const slice = page(list, { offset, limit }, 20, 100);
      const next = offset + slice.length < list.length ? String(offset + slice.length) : undefined;
      return {
        results: slice.map((m) => ({ message: { ...messageResponse(store, m), channel: channelResponse(store, store.channels.get(m.cid)!) } })),
        ...(next ? { next } : {}),
      };
    },
  },
  {
    method: 'GET',
    path: '/channels/:type/:id/messages',
    op: 'GetManyMessages',
    handler: ({ params, query, store, auth }) => {
      const ch = store.channel(params.type!, params.id!);
      const ids = (query.get('ids') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
      if (ids.length === 0) throw inputError('ids is a required field');
      if (ids.length > 50) throw inputError('ids must contain at most 50 items');
      const viewer = auth.kind === 'user' ? auth.userId : undefined;
      const messages = ids.map((id) => store.messages.get(id)).filter((m): m is MessageRecord => m !== undefined && m.cid === ch.cid);
      return { messages: messages.map((m) => messageResponse(store, m, viewer)) };
    },
  },
];
