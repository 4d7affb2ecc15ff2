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

/** What keeps one send from happening twice across tries of its run (OutgoingMessage `id`, or `sendKey` and `repeatSince`). */
export type SendIdentity = Pick<OutgoingMessage, 'id' | 'sendKey' | 'repeatSince'>;

/**
 * How far before its event's time a repeated run looks for its earlier sends: the event's time is the
 * platform's (or a timer's due time, by our clock), and the clocks may disagree by this much.
 */
export const REPEAT_LOOKBACK_MS = 5 * 60_000;

/**
 * `key` as a client id where the platform honours one (`clientIds`), else as a send key; when the run may
 * repeat an earlier one (`repeat`), with where an earlier send can be: not before the event happened
 * (`occurredAt`), nor after now.
 */
export function sendIdentity(key: string, clientIds: boolean, repeat: boolean, occurredAt: string, now = Date.now()): SendIdentity {
  if (clientIds) return { id: key };
  if (!repeat) return { sendKey: key };
  const at = Date.parse(occurredAt);
  return { sendKey: key, repeatSince: (Number.isFinite(at) ? Math.min(at, now) : now) - REPEAT_LOOKBACK_MS };
}
