/** Channels: get-or-create / query / watch, partial update, delete, truncate, query channels. */
import { createHash } from 'node:crypto';
import { inputError, StreamApiError } from '../errors.ts';
import { channelEvent, memberEvent } from '../events.ts';
import { matches, sortDocs, type SortSpec } from '../filter.ts';
import type { Json, Route, RouteContext } from '../http.ts';
import { CHANNEL_RESERVED, splitCustom, type ChannelRecord } from '../records.ts';
import { channelResponse, channelState, type ChannelStateOptions } from '../shapes.ts';
import type { StreamStore } from '../store.ts';
import { addMembers } from './members.ts';

const TYPE_RE = /^[\w-]+$/;
const ID_RE = /^[\w!-]+$/;

function creatorOf(ctx: RouteContext, data: Json): string {
  if (data.created_by_id !== undefined && data.created_by !== undefined) throw inputError('cannot set both data.created_by and data.created_by_id.');
  const byId = data.created_by_id ?? (data.created_by as { id?: string } | undefined)?.id;
  if (typeof byId === 'string' && byId) return byId;
  if (ctx.auth.kind === 'user') return ctx.auth.userId;
  throw inputError('either data.created_by or data.created_by_id must be provided when using server side auth.');
}

function memberIds(list: unknown): Array<{ user_id: string; channel_role?: string }> {
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw inputError('data.members must be a list');
  return list.map((m) => (typeof m === 'string' ? { user_id: m } : (m as { user_id: string; channel_role?: string })));
}

/** The id of the distinct channel of these members, like Stream's `!members-<hash>`. */
export function distinctChannelId(userIds: string[]): string {
  const key = [...userIds].sort().join(',');
  return `!members-${createHash('sha256').update(key).digest('base64url').slice(0, 32).replace(/[^\w-]/g, '_')}`;
}

function getOrCreate(ctx: RouteContext, type: string, id: string | undefined): { ch: ChannelRecord; created: boolean } {
  const { store, body } = ctx;
  const data = (body.data ?? {}) as Json;
  if (!TYPE_RE.test(type)) throw inputError(`channel type "${type}" is not valid`);
  const members = memberIds(data.members);
  if (id === undefined) {
    // Distinct channel: the id derives from the sorted member ids, like Stream's `!members-<hash>`.
    if (members.length < 2) throw inputError('When using member based IDs specify at least 2 members');
    id = distinctChannelId(members.map((m) => m.user_id));
  } else {
    if (!ID_RE.test(id)) throw inputError(`channel id "${id}" is not valid`);
    if (id.includes('!')) throw new StreamApiError('input', "Cannot create a channel with a '!' in the ID, this is a reserved character.");
  }
  const cid = `${type}:${id}`;
  const existing = store.channels.get(cid);
  if (existing) return { ch: existing, created: false };
  const createdBy = creatorOf(ctx, data);
  for (const reserved of ['cooldown'] as const) if (reserved in data) throw inputError(`data.${reserved} is a reserved field`);
  store.ensureUser(createdBy);
  const at = store.nowIso();
  const ch: ChannelRecord = {
    type, id, cid, created_by_id: createdBy, created_at: at, updated_at: at,
    custom: splitCustom(data, CHANNEL_RESERVED),
    frozen: data.frozen === true, disabled: false,
    members: new Map(), reads: new Map(), messageIds: [],
  };
  const added = members.length ? addMembers(store, ch, members) : [];
  store.channels.set(cid, ch);
  store.announce(channelEvent(store, 'channel.created', ch, { actorId: createdBy }));
  for (const m of added) store.announce(memberEvent(store, 'member.added', ch, m));
  return { ch, created: true };
}

function queryHandler(ctx: RouteContext, id: string | undefined): Json {
  const { ch } = getOrCreate(ctx, ctx.params.type!, id);
  // The answer is for a user token's user, or the `user_id` a server-side query acts as: others' shadowed
  // messages stay hidden from them, and what they deleted "for me" shows as deleted.
  const viewer = ctx.auth.kind === 'user' ? ctx.auth.userId : typeof ctx.body.user_id === 'string' ? ctx.body.user_id : undefined;
  return channelState(ctx.store, ch, { messages: ctx.body.messages, members: ctx.body.members, viewer } as ChannelStateOptions);
}

/** `last_updated`: the later of created_at and last_message_at (Stream's query-channels docs). */
const lastUpdated = (ch: ChannelRecord) => (ch.last_message_at && ch.last_message_at > ch.created_at ? ch.last_message_at : ch.created_at);

function queryDoc(store: StreamStore, ch: ChannelRecord): Json {
  return { ...channelResponse(store, ch), members: [...ch.members.keys()], created_by_id: ch.created_by_id, last_updated: lastUpdated(ch) };
}

/** Channels matching a filter_conditions object (code 4 for an unsupported operator). */
export function matchChannels(store: StreamStore, filter: Json | undefined): ChannelRecord[] {
  try {
    return [...store.channels.values()].filter((ch) => matches(queryDoc(store, ch), filter));
  } catch (err) {
    throw inputError((err as Error).message);
  }
}

/**
 * The sort to apply: the SDKs send `sort: []` when the caller gives none, and the service then sorts by
 * its documented default, `last_updated` descending. Ties keep creation order.
 */
function channelSort(sort: unknown): SortSpec {
  const given = Array.isArray(sort) ? (sort as SortSpec) : [];
  return given.length ? given : [{ field: 'last_updated', direction: -1 }];
}

export const channelRoutes: Route[] = [
  { method: 'POST', path: '/channels/:type/:id/query', op: 'GetOrCreateChannel', handler: (ctx) => queryHandler(ctx, ctx.params.id) },
  { method: 'POST', path: '/channels/:type/query', op: 'GetOrCreateDistinctChannel', handler: (ctx) => queryHandler(ctx, undefined) },
  {
    method: 'PATCH',
    path: '/channels/:type/:id',
    op: 'UpdateChannelPartial',
    handler: ({ params, body, store, auth }) => {
      const ch = store.channel(params.type!, params.id!);
      const set = (body.set ?? {}) as Json;
      for (const [k, v] of Object.entries(set)) {
        if (k === 'frozen') ch.frozen = Boolean(v);
        else if (CHANNEL_RESERVED.has(k)) throw inputError(`set.${k} is a reserved field`);
        else ch.custom[k] = v;
      }
      for (const k of (body.unset ?? []) as string[]) delete ch.custom[k];
      ch.updated_at = store.nowIso();
      const actor = typeof body.user_id === 'string' ? body.user_id : auth.kind === 'user' ? auth.userId : undefined;
      store.announce(channelEvent(store, 'channel.updated', ch, { actorId: actor }));
      const state = channelState(store, ch, { messages: { limit: 0 } });
      return { channel: state.channel, members: state.members };
    },
  },
  {
    method: 'DELETE',
    path: '/channels/:type/:id',
    op: 'DeleteChannel',
    handler: ({ params, store }) => {
      const ch = store.channel(params.type!, params.id!);
      const shaped = channelResponse(store, ch);
      store.announce(channelEvent(store, 'channel.deleted', ch));
      for (const id of ch.messageIds) store.messages.delete(id);
      store.channels.delete(ch.cid);
      store.typing.delete(ch.cid);
      return { channel: { ...shaped, deleted_at: store.nowIso() } };
    },
  },
  {
    method: 'POST',
    path: '/channels/:type/:id/truncate',
    op: 'TruncateChannel',
    handler: ({ params, body, store, auth }) => {
      const ch = store.channel(params.type!, params.id!);
      for (const id of ch.messageIds) store.messages.delete(id);
      ch.messageIds = [];
      ch.truncated_at = body.truncated_at ?? store.nowIso();
      delete ch.last_message_at;
      for (const r of ch.reads.values()) r.unread_messages = 0;
      const actor = body.user_id ?? body.user?.id ?? (auth.kind === 'user' ? auth.userId : undefined);
      store.announce(channelEvent(store, 'channel.truncated', ch, { actorId: actor }));
      return { channel: channelResponse(store, ch) };
    },
  },
  {
    method: 'POST',
    path: '/channels',
    op: 'QueryChannels',
    handler: ({ body, store, auth }) => {
      let list = matchChannels(store, body.filter_conditions);
      list = sortDocs(list, channelSort(body.sort), (ch) => queryDoc(store, ch));
      const offset = Number(body.offset ?? 0);
      const limit = Number(body.limit ?? 10);
      // As for one channel's query: the answer is for the token's user, or the user_id a server call acts as.
      const viewer = auth.kind === 'user' ? auth.userId : typeof body.user_id === 'string' ? body.user_id : undefined;
      const opts: ChannelStateOptions = { messages: { limit: body.message_limit ?? 25 }, members: { limit: body.member_limit ?? 100 }, viewer };
      return { channels: list.slice(offset, offset + limit).map((ch) => channelState(store, ch, opts)) };
    },
  },
];
