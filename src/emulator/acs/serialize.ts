import type { MessageRecord, ParticipantRecord, ThreadRecord } from './model.ts';
import { identifierModel, isoSeconds } from './wire.ts';

/** Records → wire shapes, matching the recorded real responses (no `kind`, second-precision dates). */

export function participantWire(p: ParticipantRecord): Record<string, unknown> {
  const out: Record<string, unknown> = { communicationIdentifier: identifierModel(p.id) };
  if (p.displayName !== undefined) out.displayName = p.displayName;
  out.shareHistoryTime = isoSeconds(p.shareHistoryTime ?? 0);
  if (p.metadata !== undefined) out.metadata = p.metadata;
  return out;
}

export function threadPropertiesWire(t: ThreadRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: t.id,
    topic: t.topic,
    createdOn: isoSeconds(t.createdOn),
    createdByCommunicationIdentifier: identifierModel(t.createdBy),
  };
  if (t.deletedOn !== undefined) out.deletedOn = isoSeconds(t.deletedOn);
  if (t.metadata !== undefined) out.metadata = t.metadata;
  if (t.retentionPolicy !== undefined) out.retentionPolicy = t.retentionPolicy;
  out.messagingPolicy = { textOnlyChat: false };
  return out;
}

/**
 * A list item. `lastMessageReceivedOn` has second precision like every other date the service sends
 * (so two messages in one second do not move it: a poller must cope); `milliseconds` is a test knob.
 */
export function threadItemWire(t: ThreadRecord, precision: 'seconds' | 'milliseconds' = 'seconds'): Record<string, unknown> {
  const out: Record<string, unknown> = { id: t.id, topic: t.topic };
  if (t.deletedOn !== undefined) out.deletedOn = isoSeconds(t.deletedOn);
  if (t.lastMessageReceivedOn !== undefined) {
    out.lastMessageReceivedOn = precision === 'milliseconds' ? new Date(t.lastMessageReceivedOn).toISOString() : isoSeconds(t.lastMessageReceivedOn);
  }
  return out;
}

export function messageWire(m: MessageRecord): Record<string, unknown> {
  const out: Record<string, unknown> = { id: m.id, type: m.type, sequenceId: String(m.sequenceId), version: m.version };
  if (m.type === 'text' || m.type === 'html') {
    out.content = { message: m.content.message ?? '', attachments: [] };
    out.senderDisplayName = m.senderDisplayName ?? '';
  } else {
    const content: Record<string, unknown> = {};
    if (m.content.topic !== undefined) content.topic = m.content.topic;
    if (m.content.participants) content.participants = m.content.participants.map(participantWire);
    if (m.content.initiator) content.initiatorCommunicationIdentifier = identifierModel(m.content.initiator);
    out.content = content;
  }
  out.createdOn = isoSeconds(m.createdOn);
  if (m.senderId) out.senderCommunicationIdentifier = identifierModel(m.senderId);
  if (m.deletedOn !== undefined) out.deletedOn = isoSeconds(m.deletedOn);
  if (m.editedOn !== undefined) out.editedOn = isoSeconds(m.editedOn);
  if (m.metadata !== undefined) out.metadata = m.metadata;
  return out;
}

/** When a message last changed: listMessages(startTime) returns messages created, edited or deleted since then. */
export function messageModifiedOn(m: MessageRecord): number {
  return Math.max(m.createdOn, m.editedOn ?? 0, m.deletedOn ?? 0);
}
