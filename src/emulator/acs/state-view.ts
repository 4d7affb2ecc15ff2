import type { AcsModel, MessageRecord, ParticipantRecord, ThreadRecord } from './model.ts';

/** Read-only snapshots of the emulator's world, for tests and the dev console. Every call returns copies. */
export interface AcsThreadView {
  id: string;
  topic: string;
  createdOn: string;
  createdBy: string;
  deletedOn?: string;
  lastMessageReceivedOn?: string;
  metadata?: Record<string, string>;
  participantCount: number;
  messageCount: number;
}
export interface AcsMessageView {
  id: string;
  type: MessageRecord['type'];
  sequenceId: number;
  version: string;
  content?: string;
  topic?: string;
  participants?: string[];
  initiator?: string;
  senderId?: string;
  senderDisplayName?: string;
  createdOn: string;
  editedOn?: string;
  deletedOn?: string;
  metadata?: Record<string, string>;
}
export interface AcsParticipantView {
  id: string;
  displayName?: string;
  metadata?: Record<string, string>;
}
export interface AcsUserView {
  id: string;
  name?: string;
  deleted: boolean;
  tokensIssued: number;
}

export interface AcsStateView {
  users(): AcsUserView[];
  /** Every thread, deleted ones included (with deletedOn). */
  threads(): AcsThreadView[];
  thread(id: string): AcsThreadView | undefined;
  /** Oldest first (ascending sequenceId). */
  messages(threadId: string): AcsMessageView[];
  participants(threadId: string): AcsParticipantView[];
  readReceipts(threadId: string): { userId: string; chatMessageId: string; readOn: string }[];
  /** Users who sent a typing notification in the last `withinMs` (default 8 s, the SDK's own throttle). */
  typing(threadId: string, withinMs?: number): { userId: string; displayName?: string; at: string }[];
}

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

function threadView(t: ThreadRecord): AcsThreadView {
  return {
    id: t.id,
    topic: t.topic,
    createdOn: iso(t.createdOn)!,
    createdBy: t.createdBy,
    deletedOn: iso(t.deletedOn),
    lastMessageReceivedOn: iso(t.lastMessageReceivedOn),
    metadata: t.metadata && { ...t.metadata },
    participantCount: t.participants.size,
    messageCount: t.messages.length,
  };
}

function messageView(m: MessageRecord): AcsMessageView {
  return {
    id: m.id,
    type: m.type,
    sequenceId: m.sequenceId,
    version: m.version,
    content: m.content.message,
    topic: m.content.topic,
    participants: m.content.participants?.map((p: ParticipantRecord) => p.id),
    initiator: m.content.initiator,
    senderId: m.senderId,
    senderDisplayName: m.senderDisplayName,
    createdOn: iso(m.createdOn)!,
    editedOn: iso(m.editedOn),
    deletedOn: iso(m.deletedOn),
    metadata: m.metadata && { ...m.metadata },
  };
}

export function createStateView(model: AcsModel): AcsStateView {
  const get = (id: string) => model.threads.get(id);
  return {
    users: () => [...model.users.values()].map((u) => ({ id: u.id, name: u.name, deleted: u.deleted, tokensIssued: u.tokensIssued })),
    threads: () => [...model.threads.values()].map(threadView),
    thread: (id) => {
      const t = get(id);
      return t && threadView(t);
    },
    messages: (id) => get(id)?.messages.map(messageView) ?? [],
    participants: (id) => [...(get(id)?.participants.values() ?? [])].map((p) => ({ id: p.id, displayName: p.displayName, metadata: p.metadata && { ...p.metadata } })),
    readReceipts: (id) => [...(get(id)?.readReceipts.entries() ?? [])].map(([userId, r]) => ({ userId, chatMessageId: r.chatMessageId, readOn: iso(r.readOn)! })),
    typing: (id, withinMs = 8000) =>
      [...(get(id)?.typing.entries() ?? [])]
        .filter(([, t]) => t.at >= model.now() - withinMs)
        .map(([userId, t]) => ({ userId, displayName: t.displayName, at: iso(t.at)! })),
  };
}
