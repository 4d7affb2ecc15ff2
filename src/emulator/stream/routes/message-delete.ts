/**
 * `DELETE /messages/{id}`: soft, hard, or "delete for me". The flags come as query parameters (stream-chat
 * JS: `hard=true`, `delete_for_me=true`) or in a JSON body (stream-chat-python sends
 * `{ delete_for_me: true, user: { id } }`); both are read.
 */
import { inputError } from '../errors.ts';
import { messageDeleted } from '../events.ts';
import type { Json, Route } from '../http.ts';
import { messageResponse, userById } from '../shapes.ts';
import { channelOf } from './messages.ts';

const flag = (query: URLSearchParams, body: Json, name: string) => body[name] === true || query.get(name) === 'true';

/** Who deletes "for me": the body's user/user_id, the `deleted_by` query (SPEC), or the token's user. */
function deleterOf(query: URLSearchParams, body: Json, auth: { kind: string; userId?: string }): string {
  const user = body.user as { id?: unknown } | undefined;
  const id = typeof user?.id === 'string' ? user.id : typeof body.user_id === 'string' ? body.user_id : query.get('deleted_by') ?? query.get('user_id');
  if (id) return id;
  if (auth.kind === 'user' && auth.userId) return auth.userId;
  throw inputError('either user or user_id must be provided when deleting a message for me with server side auth.');
}

export const messageDeleteRoutes: Route[] = [
  {
    method: 'DELETE',
    path: '/messages/:id',
    op: 'DeleteMessage',
    handler: ({ params, query, body, store, auth }) => {
      const m = store.message(params.id!);
      const input = (body ?? {}) as Json;
      const hard = flag(query, input, 'hard');
      const forMe = flag(query, input, 'delete_for_me');
      if (hard && forMe) throw inputError('hard and delete_for_me cannot be used together');
      if (hard && auth.kind !== 'server') throw inputError('hard delete messages is only allowed with server side auth');
      const ch = channelOf(store, m);
      if (forMe) {
        // Only this user's view changes: everyone else keeps seeing the message, so nothing is announced
        // to webhooks (the event exists for the deleter's own connections).
        const userId = deleterOf(query, input, auth as { kind: string; userId?: string });
        store.ensureUser(userId);
        m.deleted_for = [...new Set([...(m.deleted_for ?? []), userId])];
        store.announce({ ...messageDeleted(store, ch, m, false), user: userById(store, userId), deleted_for_me: true });
        return { message: messageResponse(store, m) };
      }
      m.deleted_at = m.deleted_at ?? store.nowIso();
      m.updated_at = m.deleted_at;
      const shaped = messageResponse(store, m);
      store.announce(messageDeleted(store, ch, m, hard));
      if (hard) {
        store.messages.delete(m.id);
        ch.messageIds = ch.messageIds.filter((id) => id !== m.id);
        const parent = m.parent_id ? store.messages.get(m.parent_id) : undefined;
        if (parent) parent.reply_count = Math.max(0, parent.reply_count - 1);
      }
      return { message: shaped };
    },
  },
];
