import type { ChatMessage } from '@azure/communication-chat';
import type { InboundEvent, UserRef } from '../adapter.ts';
import type { GridEvent } from './event-grid-envelope.ts';
import { eventIds, messageEvents, type MessageChange } from './normalize.ts';

/*
 * Event Grid's ACS chat events as botyard events, with the poller's ids so one change is one event
 * whichever way it arrived. Only authenticated, shape-checked events get here (event-grid-webhook.ts).
 */

const idOf = (model: any): string | undefined => model?.communicationUser?.id ?? model?.rawId;

const MEMBER_OR_TOPIC = new Set([
  'ChatThreadParticipantAdded',
  'ChatParticipantAddedToThreadWithUser',
  'ChatThreadParticipantRemoved',
  'ChatParticipantRemovedFromThreadWithUser',
  'ChatThreadPropertiesUpdated',
  'ChatThreadPropertiesUpdatedPerUser',
]);

const MESSAGE_EVENTS: Record<string, MessageChange> = {
  ChatMessageReceivedInThread: 'new',
  ChatMessageReceived: 'new',
  ChatMessageEditedInThread: 'updated',
  ChatMessageEdited: 'updated',
  ChatMessageDeletedInThread: 'deleted',
  ChatMessageDeleted: 'deleted',
};

/** An Event Grid message event's data as the SDK's ChatMessage, so both sources share one normalizer. */
function asChatMessage(d: Record<string, any>): ChatMessage {
  const sender = idOf(d.senderCommunicationIdentifier) ?? d.senderId;
  return {
    id: String(d.messageId),
    type: String(d.type ?? 'text').toLowerCase() === 'html' ? 'html' : 'text',
    sequenceId: '0',
    version: String(d.version ?? d.messageId),
    content: { message: d.messageBody ?? '' },
    senderDisplayName: d.senderDisplayName,
    createdOn: new Date(d.composeTime ?? Date.now()),
    ...(sender ? { sender: { kind: 'communicationUser', communicationUserId: sender } } : {}),
    ...(d.editTime ? { editedOn: new Date(d.editTime) } : {}),
    ...(d.deleteTime ? { deletedOn: new Date(d.deleteTime) } : {}),
    metadata: d.metadata ?? {},
  } as ChatMessage;
}

/**
 * Per-user events (`ChatMessageReceived`, `…WithUser`, `…PerUser`) come once per member of the thread
 * and say so in `recipientCommunicationIdentifier`. Only the copy addressed to the bot is taken, so a
 * thread event is one event here whatever the thread's size; the other copies cost nothing (not even a
 * dedupe key). A copy without a recipient is taken, and its id folds it with the thread-level event.
 */
function otherRecipient(d: Record<string, any>, bot: UserRef): boolean {
  const recipient = idOf(d.recipientCommunicationIdentifier) ?? d.recipientId;
  return typeof recipient === 'string' && bot.id !== '' && recipient !== bot.id;
}

/**
 * Why an event's ids could claim a key that is not its own, if they could: the dedupe key is built
 * from thread id, message id and version, so they must agree with each other and with the subject.
 */
function inconsistency(event: GridEvent, type: string, d: Record<string, any>): string | undefined {
  if (typeof d.threadId !== 'string' || !/^19:[^/\s]+$/.test(d.threadId)) return 'no valid threadId';
  if (event.subject !== undefined && !event.subject.startsWith(`thread/${d.threadId}/`)) return 'subject names another thread';
  if (MESSAGE_EVENTS[type]) {
    if (!/^\d+$/.test(String(d.messageId ?? ''))) return 'messageId is not an ACS message id';
    // A new message's version is its id (service recordings and the Event Grid examples); anything else is not new.
    if (MESSAGE_EVENTS[type] === 'new' && d.version !== undefined && String(d.version) !== String(d.messageId)) return 'a new message whose version is not its id';
  }
  return undefined;
}

/** One Event Grid event → botyard events (same ids as the poller's). Unknown types yield nothing. */
export function gridEvents(event: GridEvent, bot: UserRef, onSkip?: (reason: string) => void): InboundEvent[] {
  const type = event.eventType.replace(/^Microsoft\.Communication\./, '');
  const d = event.data;
  if (!MESSAGE_EVENTS[type] && !MEMBER_OR_TOPIC.has(type)) return [];
  const bad = inconsistency(event, type, d);
  if (bad) {
    onSkip?.(`${type} ${event.id}: ${bad}`);
    return [];
  }
  if (otherRecipient(d, bot)) return [];
  const threadId: string = d.threadId;
  const conversation = { platform: 'acs' as const, id: threadId };
  const change = MESSAGE_EVENTS[type];
  if (change) {
    const message = asChatMessage(d);
    if (message.sender && (message.sender as { communicationUserId: string }).communicationUserId === bot.id) return [];
    return messageEvents(threadId, message, change, bot).map((e) => ({ ...e, raw: event }));
  }
  const version = String(d.version ?? '');
  const occurredAt = new Date(d.time ?? d.editTime ?? Date.now()).toISOString();
  const member = (kind: 'added' | 'removed', p: any, by: any): InboundEvent[] => {
    const id = idOf(p?.participantCommunicationIdentifier);
    const byId = idOf(by);
    if (!id) return [];
    return [{
      id: eventIds.member(threadId, version, kind, id), type: `member.${kind}`, platform: 'acs', conversation,
      sender: byId ? { id: byId, ...(byId === bot.id ? { isBot: true } : {}) } : { id: 'system' },
      member: { id, ...(p.displayName ? { name: p.displayName } : {}), ...(id === bot.id ? { isBot: true } : {}) },
      occurredAt, raw: event,
    }];
  };
  switch (type) {
    case 'ChatThreadParticipantAdded':
    case 'ChatParticipantAddedToThreadWithUser':
      return member('added', d.participantAdded, d.addedByCommunicationIdentifier);
    case 'ChatThreadParticipantRemoved':
    case 'ChatParticipantRemovedFromThreadWithUser':
      return member('removed', d.participantRemoved, d.removedByCommunicationIdentifier);
    case 'ChatThreadPropertiesUpdated':
    case 'ChatThreadPropertiesUpdatedPerUser': {
      const topic = d.properties?.topic;
      if (typeof topic !== 'string') return [];
      const byId = idOf(d.editedByCommunicationIdentifier);
      return [{
        id: eventIds.topic(threadId, version), type: 'conversation.updated', platform: 'acs', conversation,
        sender: byId ? { id: byId } : { id: 'system' }, changes: { topic, name: topic }, occurredAt, raw: event,
      }];
    }
    default:
      return [];
  }
}

/** Every event of one delivery, each id once (a batch may carry a thread event and its per-user copies). */
export function foldDelivery(events: GridEvent[], bot: UserRef, onSkip?: (reason: string) => void): InboundEvent[] {
  const byId = new Map<string, InboundEvent>();
  for (const event of events) for (const inbound of gridEvents(event, bot, onSkip)) if (!byId.has(inbound.id)) byId.set(inbound.id, inbound);
  return [...byId.values()];
}
