import { EventEmitter } from 'node:events';
import { randomBytes, randomUUID } from 'node:crypto';

/** The emulator's in-memory world. Routes and admin helpers both mutate it; every mutation emits a `change`. */

export interface UserRecord {
  id: string;
  name?: string;
  /** Token generation: tokens carrying an older `gen` were revoked. */
  gen: number;
  deleted: boolean;
  createdOn: number;
  tokensIssued: number;
}

export interface ParticipantRecord {
  id: string;
  displayName?: string;
  shareHistoryTime?: number;
  metadata?: Record<string, string>;
  addedOn: number;
}

export type MessageType = 'text' | 'html' | 'topicUpdated' | 'participantAdded' | 'participantRemoved';

export interface MessageRecord {
  id: string;
  type: MessageType;
  sequenceId: number;
  version: string;
  content: {
    message?: string;
    topic?: string;
    participants?: ParticipantRecord[];
    initiator?: string;
  };
  senderId?: string;
  senderDisplayName?: string;
  createdOn: number;
  editedOn?: number;
  deletedOn?: number;
  metadata?: Record<string, string>;
}

export interface ThreadRecord {
  id: string;
  topic: string;
  createdOn: number;
  createdBy: string;
  deletedOn?: number;
  metadata?: Record<string, string>;
  retentionPolicy?: unknown;
  participants: Map<string, ParticipantRecord>;
  /** Ascending by sequenceId. */
  messages: MessageRecord[];
  lastMessageReceivedOn?: number;
  lastMessageIdMs: number;
  readReceipts: Map<string, { chatMessageId: string; readOn: number }>;
  typing: Map<string, { displayName?: string; at: number }>;
}

export type AcsChange =
  | { kind: 'user.created' | 'user.deleted' | 'user.revoked'; userId: string; at: number }
  | { kind: 'thread.created' | 'thread.updated' | 'thread.deleted'; threadId: string; by: string; at: number; topicMessageId?: string }
  | { kind: 'message.created' | 'message.updated' | 'message.deleted'; threadId: string; message: MessageRecord; at: number }
  | { kind: 'participant.added' | 'participant.removed'; threadId: string; by: string; participant: ParticipantRecord; systemMessageId: string; at: number }
  | { kind: 'readReceipt'; threadId: string; userId: string; chatMessageId: string; at: number }
  | { kind: 'typing'; threadId: string; userId: string; displayName?: string; at: number };

export interface NewParticipant {
  id: string;
  displayName?: string;
  shareHistoryTime?: number;
  metadata?: Record<string, string>;
}

export class AcsModel extends EventEmitter<{ change: [AcsChange] }> {
  readonly users = new Map<string, UserRecord>();
  readonly threads = new Map<string, ThreadRecord>();
  private readonly repeatability = new Map<string, string>();

  constructor(readonly resourceId: string, readonly now: () => number) {
    super();
  }

  private emitChange(change: AcsChange): void {
    this.emit('change', change);
  }

  createUser(name?: string): UserRecord {
    const id = `8:acs:${this.resourceId}_${randomUUID().replace(/^(.{8})-(.{4})-/, '00000020-$2-')}`;
    const user: UserRecord = { id, name, gen: 0, deleted: false, createdOn: this.now(), tokensIssued: 0 };
    this.users.set(id, user);
    this.emitChange({ kind: 'user.created', userId: id, at: user.createdOn });
    return user;
  }

  deleteUser(user: UserRecord): void {
    user.deleted = true;
    user.gen++;
    this.emitChange({ kind: 'user.deleted', userId: user.id, at: this.now() });
  }

  revokeTokens(user: UserRecord): void {
    user.gen++;
    this.emitChange({ kind: 'user.revoked', userId: user.id, at: this.now() });
  }

  /** A user id belongs to this resource when the Identity API made it and it was not deleted. */
  isKnownUser(id: string): boolean {
    const u = this.users.get(id);
    return u !== undefined && !u.deleted;
  }

  /** Same creator + same repeatability-request-id → the thread made the first time. */
  findRepeat(creator: string, requestId: string | undefined): ThreadRecord | undefined {
    if (!requestId) return undefined;
    const id = this.repeatability.get(`${creator}\n${requestId}`);
    const thread = id ? this.threads.get(id) : undefined;
    return thread && thread.deletedOn === undefined ? thread : undefined;
  }

  createThread(
    creator: string,
    input: { topic: string; participants: NewParticipant[]; metadata?: Record<string, string>; retentionPolicy?: unknown },
    requestId?: string,
  ): ThreadRecord {
    const at = this.now();
    const thread: ThreadRecord = {
      id: `19:${randomBytes(32).toString('base64url').slice(0, 43)}@thread.v2`,
      topic: input.topic,
      createdOn: at,
      createdBy: creator,
      metadata: input.metadata,
      retentionPolicy: input.retentionPolicy,
      participants: new Map(),
      messages: [],
      lastMessageIdMs: 0,
      readReceipts: new Map(),
      typing: new Map(),
    };
    this.threads.set(thread.id, thread);
    if (requestId) this.repeatability.set(`${creator}\n${requestId}`, thread.id);
    // The creator is always a member; the real service posts participantAdded (seq 1) then topicUpdated (seq 2).
    const members = input.participants.some((p) => p.id === creator) ? input.participants : [{ id: creator }, ...input.participants];
    const added = this.recordParticipants(thread, members);
    this.emitChange({ kind: 'thread.created', threadId: thread.id, by: creator, at });
    this.announceAdded(thread, creator, added);
    this.postSystem(thread, 'topicUpdated', { topic: thread.topic, initiator: creator });
    return thread;
  }

  deleteThread(thread: ThreadRecord, by: string): void {
    thread.deletedOn = this.now();
    this.emitChange({ kind: 'thread.deleted', threadId: thread.id, by, at: thread.deletedOn });
  }

  updateThread(thread: ThreadRecord, by: string, patch: { topic?: string; metadata?: Record<string, string>; retentionPolicy?: unknown }): void {
    if (patch.metadata !== undefined) thread.metadata = patch.metadata;
    if (patch.retentionPolicy !== undefined) thread.retentionPolicy = patch.retentionPolicy;
    let topicMessageId: string | undefined;
    if (patch.topic !== undefined && patch.topic !== thread.topic) {
      thread.topic = patch.topic;
      topicMessageId = this.postSystem(thread, 'topicUpdated', { topic: patch.topic, initiator: by }).id;
    }
    this.emitChange({ kind: 'thread.updated', threadId: thread.id, by, at: this.now(), topicMessageId });
  }

  /** Adds (or updates) members; new ones are announced in one participantAdded message. */
  addParticipants(thread: ThreadRecord, by: string, list: NewParticipant[]): void {
    this.announceAdded(thread, by, this.recordParticipants(thread, list));
  }

  private recordParticipants(thread: ThreadRecord, list: NewParticipant[]): ParticipantRecord[] {
    const at = this.now();
    const added: ParticipantRecord[] = [];
    for (const p of list) {
      const existing = thread.participants.get(p.id);
      const record: ParticipantRecord = { ...p, addedOn: existing?.addedOn ?? at };
      thread.participants.set(p.id, record);
      if (!existing) added.push(record);
    }
    return added;
  }

  private announceAdded(thread: ThreadRecord, by: string, added: ParticipantRecord[]): void {
    if (added.length === 0) return;
    const message = this.postSystem(thread, 'participantAdded', { participants: added, initiator: by });
    for (const participant of added) {
      this.emitChange({ kind: 'participant.added', threadId: thread.id, by, participant, systemMessageId: message.id, at: message.createdOn });
    }
  }

  removeParticipant(thread: ThreadRecord, by: string, id: string): void {
    const participant = thread.participants.get(id);
    if (!participant) return;
    thread.participants.delete(id);
    thread.readReceipts.delete(id);
    thread.typing.delete(id);
    const message = this.postSystem(thread, 'participantRemoved', { participants: [participant], initiator: by });
    this.emitChange({ kind: 'participant.removed', threadId: thread.id, by, participant, systemMessageId: message.id, at: this.now() });
  }

  postMessage(
    thread: ThreadRecord,
    input: { type: MessageType; content: MessageRecord['content']; senderId?: string; senderDisplayName?: string; metadata?: Record<string, string> },
  ): MessageRecord {
    const at = this.now();
    // Message ids are epoch-ms strings, unique and increasing within a thread.
    const idMs = Math.max(at, thread.lastMessageIdMs + 1);
    thread.lastMessageIdMs = idMs;
    const seq = (thread.messages.at(-1)?.sequenceId ?? 0) + 1;
    const message: MessageRecord = { id: String(idMs), version: String(idMs), sequenceId: seq, createdOn: at, ...input };
    thread.messages.push(message);
    thread.lastMessageReceivedOn = at;
    if (message.senderId) thread.typing.delete(message.senderId);
    this.emitChange({ kind: 'message.created', threadId: thread.id, message, at });
    return message;
  }

  private postSystem(thread: ThreadRecord, type: MessageType, content: MessageRecord['content']): MessageRecord {
    return this.postMessage(thread, { type, content });
  }

  editMessage(thread: ThreadRecord, message: MessageRecord, patch: { content?: string; metadata?: Record<string, string> }): void {
    const at = this.now();
    if (patch.content !== undefined) message.content = { ...message.content, message: patch.content };
    if (patch.metadata !== undefined) message.metadata = { ...message.metadata, ...patch.metadata };
    message.editedOn = at;
    message.version = String(Math.max(at, Number(message.version) + 1));
    this.emitChange({ kind: 'message.updated', threadId: thread.id, message, at });
  }

  deleteMessage(thread: ThreadRecord, message: MessageRecord): void {
    const at = this.now();
    message.deletedOn = at;
    message.version = String(Math.max(at, Number(message.version) + 1));
    this.emitChange({ kind: 'message.deleted', threadId: thread.id, message, at });
  }

  readReceipt(thread: ThreadRecord, userId: string, chatMessageId: string): void {
    const at = this.now();
    thread.readReceipts.set(userId, { chatMessageId, readOn: at });
    this.emitChange({ kind: 'readReceipt', threadId: thread.id, userId, chatMessageId, at });
  }

  typing(thread: ThreadRecord, userId: string, displayName?: string): void {
    const at = this.now();
    thread.typing.set(userId, { displayName, at });
    this.emitChange({ kind: 'typing', threadId: thread.id, userId, displayName, at });
  }
}
