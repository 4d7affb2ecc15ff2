/** Read state, channel events (typing and custom) and reactions. */
import { inputError } from '../errors.ts';
import { messageRead, reactionEvent } from '../events.ts';
import { actingUser, type Json, type Route } from '../http.ts';
import { splitCustom, type ReactionRecord } from '../records.ts';
import { messageResponse, reactionResponse, userById } from '../shapes.ts';

const REACTION_RESERVED = new Set(['type', 'user_id', 'user', 'message_id', 'score', 'created_at', 'updated_at']);

export const activityRoutes: Route[] = [
  {
    method: 'POST',
    path: '/channels/:type/:id/read',
    op: 'MarkRead',
    handler: ({ params, body, store, auth, op }) => {
      const ch = store.channel(params.type!, params.id!);
      const userId = actingUser(auth, '', body as Json, op);
      const visible = ch.messageIds.map((id) => store.messages.get(id)).filter((m) => m && (!m.parent_id || m.show_in_channel));
      const lastId = typeof body.message_id === 'string' ? body.message_id : visible.at(-1)?.id;
      ch.reads.set(userId, { user_id: userId, last_read: store.nowIso(), unread_messages: 0, ...(lastId ? { last_read_message_id: lastId } : {}) });
      const event = messageRead(store, ch, userId, lastId);
      store.announce(event);
      return { event };
    },
  },
  {
    method: 'POST',
    path: '/channels/:type/:id/event',
    op: 'SendEvent',
    handler: ({ params, body, store, auth, op }) => {
      const ch = store.channel(params.type!, params.id!);
      const input = body.event as Json | undefined;
      if (!input || typeof input.type !== 'string' || !input.type) throw inputError('event.type is a required field');
      const userId = actingUser(auth, 'event.', input, op);
      const { user_id: _u, user: _user, ...rest } = input;
      void _u; void _user;
      const event = { ...rest, type: input.type, cid: ch.cid, channel_type: ch.type, channel_id: ch.id, user: userById(store, userId), created_at: store.nowIso() };
      if (input.type === 'typing.start' || input.type === 'typing.stop') {
        const typing = store.typing.get(ch.cid) ?? new Map<string, string>();
        if (input.type === 'typing.start') typing.set(userId, event.created_at);
        else typing.delete(userId);
        store.typing.set(ch.cid, typing);
      }
      store.announce(event);
      return { event };
    },
  },
  {
    method: 'POST',
    path: '/messages/:id/reaction',
    op: 'SendReaction',
    handler: ({ params, body, store, auth, op }) => {
      const m = store.message(params.id!);
      const input = body.reaction as Json | undefined;
      if (!input || typeof input.type !== 'string' || !input.type) throw inputError('reaction.type is a required field');
      const userId = actingUser(auth, 'reaction.', input, op);
      const ch = store.channel(...(m.cid.split(/:(.*)/s) as [string, string]));
      const at = store.nowIso();
      const existing = m.reactions.find((r) => r.user_id === userId && r.type === input.type);
      if (body.enforce_unique === true) m.reactions = m.reactions.filter((r) => r.user_id !== userId || r.type === input.type);
      const rec: ReactionRecord = {
        type: input.type,
        user_id: userId,
        message_id: m.id,
        score: typeof input.score === 'number' ? input.score : 1,
        created_at: existing?.created_at ?? at,
        updated_at: at,
        custom: splitCustom(input, REACTION_RESERVED),
      };
      m.reactions = m.reactions.filter((r) => r !== existing).concat(rec);
      store.announce(reactionEvent(store, existing ? 'reaction.updated' : 'reaction.new', ch, m, rec));
      return { message: messageResponse(store, m), reaction: reactionResponse(store, rec) };
    },
  },
  {
    method: 'DELETE',
    path: '/messages/:id/reaction/:reaction',
    op: 'DeleteReaction',
    handler: ({ params, query, store, auth, op }) => {
      const m = store.message(params.id!);
      const userId = actingUser(auth, '', { user_id: query.get('user_id') ?? undefined }, op);
      const rec = m.reactions.find((r) => r.user_id === userId && r.type === params.reaction);
      if (!rec) throw inputError(`reaction ${params.reaction} by ${userId} does not exist`);
      m.reactions = m.reactions.filter((r) => r !== rec);
      const ch = store.channel(...(m.cid.split(/:(.*)/s) as [string, string]));
      store.announce(reactionEvent(store, 'reaction.deleted', ch, m, rec));
      return { message: messageResponse(store, m), reaction: reactionResponse(store, rec) };
    },
  },
];
