/**
 * The ACS events the emulator's Event Grid sends, shaped as the Event Grid examples show
 * (specs/acs/eventgrid): thread-level events, and the per-user copies Event Grid sends once per
 * member (`ChatMessageReceived` skips the sender), plus the CloudEvents 1.0 form of any of them.
 */
import { randomUUID } from 'node:crypto';
import type { AcsChange, AcsModel, ParticipantRecord } from './model.ts';
import { identifierModel } from './wire.ts';

export interface GridEvent {
  id: string;
  topic: string;
  subject: string;
  data: Record<string, unknown>;
  eventType: string;
  eventTime: string;
  metadataVersion: '1';
  dataVersion: '1.0';
}

const iso = (ms: number) => new Date(ms).toISOString();
const participantData = (p: ParticipantRecord) => ({
  displayName: p.displayName,
  participantCommunicationIdentifier: identifierModel(p.id),
  metadata: p.metadata ?? {},
});

/** Thread-level events (`…InThread`, `ChatThread…`), shaped as the Event Grid examples show. */
export function toEvent(model: AcsModel, change: AcsChange, topic: string): GridEvent | undefined {
  if (!('threadId' in change)) return undefined;
  const thread = model.threads.get(change.threadId);
  if (!thread) return undefined;
  const base = { threadId: thread.id, transactionId: randomUUID(), createTime: iso(thread.createdOn) };
  const make = (type: string, subject: string, data: Record<string, unknown>): GridEvent => ({
    id: randomUUID(), topic, subject: `thread/${thread.id}/${subject}`, data: { ...base, ...data },
    eventType: `Microsoft.Communication.${type}`, eventTime: iso(change.at), metadataVersion: '1', dataVersion: '1.0',
  });
  switch (change.kind) {
    case 'message.created':
    case 'message.updated':
    case 'message.deleted': {
      const m = change.message;
      if (!m.senderId) return undefined; // system messages surface as participant/properties events
      const data: Record<string, unknown> = {
        messageBody: m.content.message ?? '', messageId: m.id, metadata: m.metadata ?? {}, type: m.type === 'html' ? 'Html' : 'Text',
        version: m.version, senderDisplayName: m.senderDisplayName ?? '', senderCommunicationIdentifier: identifierModel(m.senderId),
        composeTime: iso(m.createdOn),
      };
      if (change.kind === 'message.created') return make('ChatMessageReceivedInThread', `sender/${m.senderId}`, data);
      if (change.kind === 'message.updated') return make('ChatMessageEditedInThread', `sender/${m.senderId}`, { ...data, editTime: iso(m.editedOn ?? change.at) });
      return make('ChatMessageDeletedInThread', `sender/${m.senderId}`, { ...data, deleteTime: iso(m.deletedOn ?? change.at) });
    }
    case 'participant.added':
      return make('ChatThreadParticipantAdded', `participantadded/${change.participant.id}`, {
        time: iso(change.at), addedByCommunicationIdentifier: identifierModel(change.by),
        participantAdded: participantData(change.participant), version: Number(change.systemMessageId),
      });
    case 'participant.removed':
      return make('ChatThreadParticipantRemoved', `participantremoved/${change.participant.id}`, {
        time: iso(change.at), removedByCommunicationIdentifier: identifierModel(change.by),
        participantRemoved: participantData(change.participant), version: Number(change.systemMessageId),
      });
    case 'thread.created':
      return make('ChatThreadCreated', `createdBy/${change.by}`, {
        createdByCommunicationIdentifier: identifierModel(change.by), properties: { topic: thread.topic }, metadata: thread.metadata ?? {},
        participants: [...thread.participants.values()].map(participantData), version: change.at,
      });
    case 'thread.updated':
      return make('ChatThreadPropertiesUpdated', `editedBy/${change.by}`, {
        editedByCommunicationIdentifier: identifierModel(change.by), editTime: iso(change.at), properties: { topic: thread.topic },
        metadata: thread.metadata ?? {}, version: change.topicMessageId ? Number(change.topicMessageId) : change.at,
      });
    case 'thread.deleted':
      return make('ChatThreadDeleted', `deletedBy/${change.by}`, {
        deletedByCommunicationIdentifier: identifierModel(change.by), deleteTime: iso(change.at), version: change.at,
      });
    default:
      return undefined;
  }
}

/** Per-user copies of a thread-level event, one per member (the sender of a message gets none). */
export function perUserCopies(model: AcsModel, event: GridEvent): GridEvent[] {
  const data = event.data as Record<string, any>;
  const thread = model.threads.get(String(data.threadId));
  if (!thread) return [];
  const short = event.eventType.replace('Microsoft.Communication.', '');
  const twin: Record<string, string> = {
    ChatMessageReceivedInThread: 'ChatMessageReceived',
    ChatMessageEditedInThread: 'ChatMessageEdited',
    ChatMessageDeletedInThread: 'ChatMessageDeleted',
    ChatThreadParticipantAdded: 'ChatParticipantAddedToThreadWithUser',
    ChatThreadParticipantRemoved: 'ChatParticipantRemovedFromThreadWithUser',
    ChatThreadPropertiesUpdated: 'ChatThreadPropertiesUpdatedPerUser',
  };
  const type = twin[short];
  if (!type) return [];
  const sender = data.senderCommunicationIdentifier?.rawId as string | undefined;
  const members = [...thread.participants.keys()].filter((id) => id !== sender);
  return members.map((recipient) => ({
    ...event,
    id: randomUUID(),
    eventType: `Microsoft.Communication.${type}`,
    subject: `${event.subject}/recipient/${recipient}`,
    data: { ...data, recipientId: recipient, recipientCommunicationIdentifier: identifierModel(recipient) },
  }));
}

/** The same event in the CloudEvents 1.0 schema, as Event Grid delivers it to a CloudEvents subscription. */
export function toCloudEvent(event: GridEvent): Record<string, unknown> {
  return {
    id: event.id, source: event.topic, subject: event.subject, type: event.eventType, time: event.eventTime,
    specversion: '1.0', datacontenttype: 'application/json', data: event.data,
  };
}
