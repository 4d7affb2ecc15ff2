/**
 * The pre-send contract: what a platform with a "before the message is stored" hook (Stream's Before
 * Message Send webhook) asks the runtime, and what the runtime answers. Part of the adapter contract.
 */
import type { Attachment, ConversationRef, Message, PlatformName, Rejection, UserRef } from './adapter.ts';

/** A message the platform asks about before storing it (Stream's Before Message Send hook). */
export interface PreSendRequest {
  platform: PlatformName;
  conversation: ConversationRef;
  /** The message as the sender wrote it (`id` may be empty: the platform has not picked one yet). */
  message: Message;
  sender: UserRef;
  /** The platform's id of this call (Stream's X-Webhook-Id), when it sent one. */
  deliveryId?: string;
  /** The platform payload, untouched. */
  raw: unknown;
}

/** The fields a pre-send rewrite may change (what Stream lets a hook rewrite). */
export interface PreSendRewrite {
  text?: string;
  attachments?: Attachment[];
  /** Custom fields to set. */
  data?: Record<string, unknown>;
  silent?: boolean;
}

/** What the runtime decided; the adapter turns it into the platform's answer. */
export type PreSendVerdict =
  | { action: 'allow' }
  | { action: 'reject'; notice: string; rejections: Rejection[] }
  | { action: 'rewrite'; changes: PreSendRewrite };

export type PreSendDecider = (request: PreSendRequest) => Promise<PreSendVerdict>;
