import type { ChatMessage } from '@azure/communication-chat';
import type { Attachment, InboundEvent, Message, UserRef } from '../adapter.ts';
import { incomingMentions, META } from './mentions.ts';

/** What happened to a message, as the poller or Event Grid saw it. */
export type MessageChange = 'new' | 'updated' | 'deleted';

/**
 * Stable event ids, the same from the poller and from Event Grid so one change is one event:
 *   message.new            acs:<threadId>:<messageId>
 *   message.updated        acs:<threadId>:<messageId>:v<version>
 *   message.deleted        acs:<threadId>:<messageId>:deleted
 *   member.added/removed   acs:<threadId>:<systemMessageId>:added|removed:<userId>
 *   conversation.updated   acs:<threadId>:<systemMessageId>:topic
 * (Event Grid's participant/properties `version` is taken as the system message id.)
 */
export const eventIds = {
  message: (threadId: string, messageId: string, change: MessageChange, version: string) =>
    change === 'new' ? `acs:${threadId}:${messageId}` : change === 'updated' ? `acs:${threadId}:${messageId}:v${version}` : `acs:${threadId}:${messageId}:deleted`,
  member: (threadId: string, systemId: string, kind: 'added' | 'removed', userId: string) => `acs:${threadId}:${systemId}:${kind}:${userId}`,
  topic: (threadId: string, systemId: string) => `acs:${threadId}:${systemId}:topic`,
};

/** The raw id of an SDK CommunicationIdentifier (communicationUser, or rawId for the other kinds). */
export function userIdOf(identifier: unknown): string | undefined {
  const i = identifier as { communicationUserId?: string; rawId?: string } | undefined;
  return i?.communicationUserId ?? i?.rawId;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", nbsp: ' ' };

/** Plain text of an html message: tags dropped (block ends become spaces), common entities decoded. */
export function htmlToText(html: string): string {
  return html
    .replace(/<br\s*\/?>|<\/(p|div|li)>/gi, ' ')
    .replace(/<[^>]*>/g, '')
    .replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (_, e: string) => ENTITIES[e]!)
    .replace(/\s+/g, ' ')
    .trim();
}

function parseAttachments(m: ChatMessage): Attachment[] {
  const out: Attachment[] = [];
  const meta = m.metadata?.[META.attachments];
  if (meta) {
    try {
      const list: unknown = JSON.parse(meta);
      if (Array.isArray(list)) for (const a of list) if (a && typeof a === 'object' && typeof (a as Attachment).type === 'string') out.push(a as Attachment);
    } catch {
      // a user's own metadata that happens to use our key: ignore it
    }
  }
  for (const a of m.content?.attachments ?? []) {
    out.push({ type: a.attachmentType, id: a.id, url: a.url, thumbUrl: a.previewUrl, title: a.name });
  }
  return out;
}

/** An SDK ChatMessage (text/html) as botyard's Message. */
export function toMessage(m: ChatMessage, bot: UserRef): Message {
  const content = m.content?.message ?? '';
  const isHtml = m.type === 'html';
  const data: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(m.metadata ?? {})) if (!k.startsWith('botyard.')) data[k] = v;
  const senderId = userIdOf(m.sender) ?? '';
  return {
    id: m.id,
    text: isHtml ? htmlToText(content) : content,
    ...(isHtml ? { html: content } : {}),
    user: { id: senderId, ...(m.senderDisplayName ? { name: m.senderDisplayName } : {}), ...(senderId === bot.id ? { isBot: true } : {}) },
    attachments: parseAttachments(m),
    mentions: incomingMentions(content, m.metadata, bot),
    ...(m.metadata?.[META.parentId] ? { parentId: m.metadata[META.parentId] } : {}),
    data,
    createdAt: m.createdOn.toISOString(),
    ...(m.editedOn ? { updatedAt: m.editedOn.toISOString() } : {}),
    ...(m.deletedOn ? { deleted: true } : {}),
  };
}

/**
 * The events one message yields: text/html → message.new/updated/deleted; participantAdded /
 * participantRemoved → one member.added/removed per participant; topicUpdated → conversation.updated.
 */
export function messageEvents(threadId: string, m: ChatMessage, change: MessageChange, bot: UserRef): InboundEvent[] {
  const conversation = { platform: 'acs' as const, id: threadId };
  const base = { platform: 'acs' as const, conversation, raw: m };
  if (m.type === 'text' || m.type === 'html') {
    const message = toMessage(m, bot);
    const type = change === 'new' ? 'message.new' : change === 'updated' ? 'message.updated' : 'message.deleted';
    const occurredAt = (change === 'deleted' ? m.deletedOn : change === 'updated' ? m.editedOn : undefined) ?? m.createdOn;
    return [{ ...base, id: eventIds.message(threadId, m.id, change, m.version), type, sender: message.user, message, occurredAt: occurredAt.toISOString() }];
  }
  if (change !== 'new') return [];
  const initiatorId = userIdOf(m.content?.initiator);
  const sender: UserRef = initiatorId ? { id: initiatorId, ...(initiatorId === bot.id ? { name: bot.name, isBot: true } : {}) } : { id: 'system' };
  const occurredAt = m.createdOn.toISOString();
  if (m.type === 'participantAdded' || m.type === 'participantRemoved') {
    const kind = m.type === 'participantAdded' ? 'added' : 'removed';
    return (m.content?.participants ?? []).flatMap((p) => {
      const id = userIdOf(p.id);
      if (!id) return [];
      const member: UserRef = { id, ...(p.displayName ? { name: p.displayName } : {}), ...(id === bot.id ? { isBot: true } : {}) };
      return [{ ...base, id: eventIds.member(threadId, m.id, kind, id), type: `member.${kind}`, sender, member, occurredAt }];
    });
  }
  if (m.type === 'topicUpdated') {
    const topic = m.content?.topic ?? '';
    return [{ ...base, id: eventIds.topic(threadId, m.id), type: 'conversation.updated', sender, changes: { topic, name: topic }, occurredAt }];
  }
  return [];
}
