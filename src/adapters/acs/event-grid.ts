import type { ChatMessage } from '@azure/communication-chat';
import type { InboundEvent, UserRef, WebhookRequest, WebhookResponse } from '../adapter.ts';
import { eventIds, messageEvents, type MessageChange } from './normalize.ts';

interface GridEvent {
  id?: string;
  eventType?: string;
  /** CloudEvents schema */
  type?: string;
  data?: Record<string, any>;
}

const idOf = (model: any): string | undefined => model?.communicationUser?.id ?? model?.rawId;

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

/** One Event Grid event → botyard events (same ids as the poller's). Unknown types yield nothing. */
export function gridEvents(event: GridEvent, bot: UserRef): InboundEvent[] {
  const type = (event.eventType ?? event.type ?? '').replace(/^Microsoft\.Communication\./, '');
  const d = event.data ?? {};
  const threadId: string | undefined = d.threadId;
  if (!threadId) return [];
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

/**
 * `POST /webhooks/acs`: the subscription-validation handshake (answered `200 { validationResponse }`),
 * the CloudEvents OPTIONS handshake, and event arrays handed to `deliver` before answering 200
 * (a failure answers 500 so Event Grid retries).
 */
export async function handleGridWebhook(
  request: WebhookRequest & { method?: string },
  bot: UserRef,
  deliver: (event: InboundEvent) => Promise<void>,
): Promise<WebhookResponse> {
  const origin = request.headers['webhook-request-origin'];
  if (request.method === 'OPTIONS' || (origin && request.body.length === 0)) {
    return { status: 200, headers: { 'WebHook-Allowed-Origin': String(origin ?? '*'), Allow: 'POST' } };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(request.body.toString('utf8'));
  } catch {
    return { status: 400, body: { error: 'The body is not JSON: expected an Event Grid event array.' } };
  }
  const events = (Array.isArray(parsed) ? parsed : [parsed]) as GridEvent[];
  const validation = events.find((e) => e?.eventType === 'Microsoft.EventGrid.SubscriptionValidationEvent');
  if (validation) return { status: 200, body: { validationResponse: validation.data?.validationCode } };
  try {
    for (const event of events) for (const inbound of gridEvents(event, bot)) await deliver(inbound);
  } catch {
    return { status: 500, body: { error: 'Not accepted; Event Grid will retry.' } };
  }
  return { status: 200 };
}
