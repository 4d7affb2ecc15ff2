import type { EmulatorCore } from './core.ts';
import type { MessageRecord, NewParticipant, ThreadRecord } from './model.ts';

type Who = string | { id: string; displayName?: string };

/**
 * Acting on the emulator from outside the SDK: tests and the dev console use these to play a user
 * without building a client. They skip auth and throttling but go through the same model, so they
 * produce the same system messages, change events and Event Grid deliveries as SDK calls.
 */
export interface AcsAdmin {
  createUser(name?: string, options?: { tokenLifetimeMs?: number; scopes?: string[] }): { id: string; token: string; expiresOn: string };
  issueToken(userId: string, options?: { tokenLifetimeMs?: number; scopes?: string[] }): { token: string; expiresOn: string };
  createThread(creatorId: string, input: { topic: string; participants?: Who[]; metadata?: Record<string, string> }): string;
  sendMessage(threadId: string, senderId: string, content: string, options?: { type?: 'text' | 'html'; senderDisplayName?: string; metadata?: Record<string, string> }): string;
  editMessage(threadId: string, messageId: string, content: string, metadata?: Record<string, string>): void;
  deleteMessage(threadId: string, messageId: string): void;
  addParticipants(threadId: string, byUserId: string, users: Who[]): void;
  removeParticipant(threadId: string, byUserId: string, userId: string): void;
  updateTopic(threadId: string, byUserId: string, topic: string): void;
  deleteThread(threadId: string, byUserId: string): void;
}

export function createAdmin(core: EmulatorCore): AcsAdmin {
  const { model } = core;
  const thread = (id: string): ThreadRecord => {
    const t = model.threads.get(id);
    if (!t || t.deletedOn !== undefined) throw new Error(`acs emulator: no thread ${id}`);
    return t;
  };
  const message = (t: ThreadRecord, id: string): MessageRecord => {
    const m = t.messages.find((x) => x.id === id);
    if (!m) throw new Error(`acs emulator: no message ${id} in ${t.id}`);
    return m;
  };
  const user = (id: string) => {
    const u = model.users.get(id);
    if (!u || u.deleted) throw new Error(`acs emulator: no user ${id}`);
    return u;
  };
  const people = (list: Who[]): NewParticipant[] => list.map((w) => (typeof w === 'string' ? { id: w, displayName: model.users.get(w)?.name } : w));

  return {
    createUser(name, options = {}) {
      const u = model.createUser(name);
      const t = core.issueToken(u, options.scopes ?? ['chat'], undefined, options.tokenLifetimeMs);
      return { id: u.id, token: t.token, expiresOn: t.expiresOn };
    },
    issueToken(userId, options = {}) {
      const t = core.issueToken(user(userId), options.scopes ?? ['chat'], undefined, options.tokenLifetimeMs);
      return { token: t.token, expiresOn: t.expiresOn };
    },
    createThread(creatorId, input) {
      user(creatorId);
      return model.createThread(creatorId, { topic: input.topic, participants: people(input.participants ?? []), metadata: input.metadata }).id;
    },
    sendMessage(threadId, senderId, content, options = {}) {
      const t = thread(threadId);
      if (!t.participants.has(senderId)) throw new Error(`acs emulator: ${senderId} is not a member of ${threadId}`);
      return model.postMessage(t, {
        type: options.type ?? 'text',
        content: { message: content },
        senderId,
        senderDisplayName: options.senderDisplayName ?? t.participants.get(senderId)?.displayName ?? model.users.get(senderId)?.name,
        metadata: options.metadata,
      }).id;
    },
    editMessage(threadId, messageId, content, metadata) {
      const t = thread(threadId);
      model.editMessage(t, message(t, messageId), { content, metadata });
    },
    deleteMessage(threadId, messageId) {
      const t = thread(threadId);
      model.deleteMessage(t, message(t, messageId));
    },
    addParticipants(threadId, byUserId, users) {
      model.addParticipants(thread(threadId), byUserId, people(users));
    },
    removeParticipant(threadId, byUserId, userId) {
      model.removeParticipant(thread(threadId), byUserId, userId);
    },
    updateTopic(threadId, byUserId, topic) {
      model.updateThread(thread(threadId), byUserId, { topic });
    },
    deleteThread(threadId, byUserId) {
      model.deleteThread(thread(threadId), byUserId);
    },
  };
}
