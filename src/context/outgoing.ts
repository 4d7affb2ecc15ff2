/**
 * Building outgoing messages: strings become `{ text }`, `ctx.mention()`ed users found in the text
 * become the message's mentions, and sends get a deterministic client id so a retried event
 * re-sends the same message instead of a second one.
 */
import { createHash } from 'node:crypto';
import type { OutgoingMessage, UserRef } from '../adapters/adapter.ts';

export type Outgoing = string | OutgoingMessage;

/** How a mention is written in text: `@name`, or `@id` when the user has no name. */
export function mentionText(user: UserRef): string {
  return `@${user.name ?? user.id}`;
}

/**
 * Normalizes `message` and adds every user in `pending` whose `@name` occurs in its text to `mentions`
 * (explicit mentions are kept; nobody is listed twice).
 */
export function buildOutgoing(message: Outgoing, pending: Iterable<UserRef> = []): OutgoingMessage {
  const out: OutgoingMessage = typeof message === 'string' ? { text: message } : { ...message };
  if (out.text === undefined && out.html === undefined && !out.attachments?.length) {
    throw new TypeError('A message needs text, html or attachments');
  }
  const mentions = [...(out.mentions ?? [])];
  const text = out.text ?? '';
  for (const user of pending) {
    if (text.includes(mentionText(user)) && !mentions.some((m) => m.id === user.id)) mentions.push(user);
  }
  if (mentions.length) out.mentions = mentions;
  return out;
}

/** A stable id for the `n`th message a bot sends while handling one event. */
export function deterministicMessageId(eventId: string, bot: string, n: number): string {
  return `by-${createHash('sha256').update(`${eventId}\u0000${bot}\u0000${n}`).digest('hex').slice(0, 32)}`;
}
