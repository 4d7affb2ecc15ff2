/**
 * Deleting users: `DELETE /users/{id}` (what `client.deleteUser` and stream-chat-python's `delete_user`
 * call; not in SPEC, which keeps only the batch form) and `POST /users/delete` (batch, answered with a
 * task id that `GET /tasks/{id}` reports completed: the emulator does the work at once). A soft-deleted
 * user comes back only through `POST /users/restore` (`client.restoreUsers`), never by an upsert.
 */
import { inputError, notFound } from '../errors.ts';
import type { Json, Route } from '../http.ts';
import { userResponse } from '../shapes.ts';
import type { StreamStore } from '../store.ts';

type Mode = 'soft' | 'hard' | 'pruning';
interface DeleteOptions { user: Mode; messages?: Mode; markMessagesDeleted: boolean; conversationChannels: boolean }

const tasks = new WeakMap<StreamStore, Map<string, Json>>();

function deleteOne(store: StreamStore, id: string, opts: DeleteOptions): Json {
  const u = store.users.get(id);
  if (!u || (u.deleted_at && opts.user === 'soft')) throw notFound(`user "${id}" does not exist`);
  const at = store.nowIso();
  u.deleted_at = at;
  u.updated_at = at;
  const shaped = userResponse(u);
  if (opts.messages || opts.markMessagesDeleted) {
    for (const m of store.messages.values()) if (m.user_id === id && !m.deleted_at) m.deleted_at = at;
  }
  if (opts.user !== 'soft') {
    // Hard (and pruning) deletes remove the user and their memberships.
    store.users.delete(id);
    for (const ch of store.channels.values()) {
      ch.members.delete(id);
      ch.reads.delete(id);
    }
  }
  store.announce({
    type: 'user.deleted',
    user: shaped,
    hard_delete: opts.user !== 'soft',
    mark_messages_deleted: opts.markMessagesDeleted,
    delete_conversation_channels: opts.conversationChannels,
    delete_user: opts.user,
    delete_messages: opts.messages ?? '',
    delete_conversation: opts.conversationChannels ? 'soft' : '',
    created_at: at,
  });
  return shaped;
}

/** The batch's `user_ids` (1 to 100), all of existing users, checked before anything changes. */
function existingUserIds(store: StreamStore, body: Json): string[] {
  const ids = body.user_ids;
  if (!Array.isArray(ids) || ids.length === 0 || !ids.every((x) => typeof x === 'string')) throw inputError('user_ids is a required field');
  if (ids.length > 100) throw inputError('user_ids must contain at most 100 items');
  for (const id of ids as string[]) if (!store.users.has(id)) throw notFound(`user "${id}" does not exist`);
  return ids as string[];
}

const mode = (v: unknown, field: string): Mode | undefined => {
  if (v === undefined || v === null || v === '') return undefined;
  if (v === 'soft' || v === 'hard' || v === 'pruning') return v;
  throw inputError(`${field} must be one of soft, hard, pruning`);
};

export const userDeleteRoutes: Route[] = [
  {
    method: 'DELETE',
    path: '/users/:id',
    op: 'DeleteUser',
    handler: ({ params, query, store }) => {
      const on = (k: string) => query.get(k) === 'true';
      const user = deleteOne(store, params.id!, {
        user: on('hard_delete') ? 'hard' : 'soft',
        markMessagesDeleted: on('mark_messages_deleted'),
        conversationChannels: on('delete_conversation_channels'),
      });
      return { user };
    },
  },
  {
    method: 'POST',
    path: '/users/delete',
    op: 'DeleteUsers',
    handler: ({ body, store }) => {
      const ids = existingUserIds(store, body);
      const opts: DeleteOptions = {
        user: mode(body.user, 'user') ?? 'soft',
        messages: mode(body.messages, 'messages'),
        markMessagesDeleted: false,
        conversationChannels: body.conversations !== undefined,
      };
      for (const id of ids) deleteOne(store, id, opts);
      const taskId = store.newId();
      const at = store.nowIso();
      const byStore = tasks.get(store) ?? new Map<string, Json>();
      tasks.set(store, byStore);
      byStore.set(taskId, { task_id: taskId, status: 'completed', result: { deleted_user_ids: ids }, created_at: at, updated_at: at });
      return { task_id: taskId };
    },
  },
  {
    method: 'POST',
    path: '/users/restore',
    op: 'RestoreUsers',
    handler: ({ body, store }) => {
      // A hard-deleted user is gone for good: nothing to restore.
      for (const id of existingUserIds(store, body)) {
        const u = store.users.get(id)!;
        if (!u.deleted_at) continue;
        delete u.deleted_at;
        u.updated_at = store.nowIso();
      }
      // No event in Stream's webhook list is a restore: the state file hears of it here.
      store.changed();
      return {};
    },
  },
  {
    method: 'GET',
    path: '/tasks/:id',
    op: 'GetTask',
    handler: ({ params, store }) => {
      const task = tasks.get(store)?.get(params.id!);
      if (!task) throw notFound(`task "${params.id}" does not exist`);
      return { ...task };
    },
  },
];
