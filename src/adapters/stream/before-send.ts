/**
 * Stream's Before Message Send hook (`before_message_send_hook_url`), on the wire:
 * - Stream POSTs `{ message, user, channel, request_info }` before it stores a message, signed like every
 *   Stream webhook (`X-Signature`, hex HMAC-SHA256 of the body with the API secret), once, no retries,
 *   and waits 1500 ms by default (`before_message_send_hook_attempt_timeout_ms`, 1–5000).
 * - An answer of `{ message: { type: 'error', text } }` (HTTP 200) rejects it: the sender's sendMessage
 *   resolves with that error message (type `error`), nothing is stored, no `message.new` goes out.
 * - `{ message: { text, attachments, silent, …custom } }` rewrites those fields; `{}` changes nothing.
 * - An error or a timeout fails open: Stream stores the message as sent.
 */
import type { PreSendDecider, PreSendRequest, PreSendVerdict, WebhookRequest, WebhookResponse } from '../adapter.ts';
import { fromAttachment, toMessage, toUser } from './normalize.ts';
import { verifySignature } from './signature.ts';

type Json = Record<string, any>;

/** The hook's payload as a PreSendRequest. */
export function toPreSendRequest(payload: Json, ctx: { botId: string; deliveryId?: string }): PreSendRequest {
  const m = (payload.message ?? {}) as Json;
  const user = (payload.user ?? m.user) as Json | undefined;
  const cid: string = payload.channel?.cid ?? m.cid ?? (payload.channel?.type && payload.channel?.id ? `${payload.channel.type}:${payload.channel.id}` : '');
  const name = typeof payload.channel?.name === 'string' ? payload.channel.name : undefined;
  return {
    platform: 'stream',
    conversation: { platform: 'stream', id: cid, ...(name ? { name } : {}) },
    message: toMessage({ ...m, id: m.id ?? '', user: m.user ?? user }, ctx.botId),
    sender: toUser(user, ctx.botId),
    ...(ctx.deliveryId ? { deliveryId: ctx.deliveryId } : {}),
    raw: payload,
  };
}

/** The verdict as the answer Stream reads. */
export function toHookAnswer(verdict: PreSendVerdict): Json {
  if (verdict.action === 'reject') return { message: { type: 'error', text: verdict.notice } };
  if (verdict.action === 'allow') return {};
  const c = verdict.changes;
  return {
    message: {
      ...(c.data ?? {}),
      ...(c.text !== undefined ? { text: c.text } : {}),
      ...(c.attachments !== undefined ? { attachments: c.attachments.map(fromAttachment) } : {}),
      ...(c.silent !== undefined ? { silent: c.silent } : {}),
    },
  };
}

export interface BeforeSendHookOptions {
  apiSecret: string;
  botId: string;
  maxBodyBytes: number;
  decide: PreSendDecider | undefined;
}

/** Verifies one hook call (nothing is decided without a valid signature), decides, answers. */
export async function handleBeforeSendHook(request: WebhookRequest, options: BeforeSendHookOptions): Promise<WebhookResponse> {
  if (request.body.length > options.maxBodyBytes) return { status: 413, body: { error: `body larger than ${options.maxBodyBytes} bytes` } };
  if (!verifySignature(request.body, request.headers['x-signature'], options.apiSecret)) {
    return { status: 401, body: { error: 'invalid or missing X-Signature' } };
  }
  let payload: Json;
  try {
    payload = JSON.parse(request.body.toString('utf8'));
  } catch {
    return { status: 400, body: { error: 'body is not valid JSON' } };
  }
  if (!payload || typeof payload !== 'object' || typeof payload.message !== 'object' || payload.message === null) {
    return { status: 400, body: { error: 'payload has no message' } };
  }
  // Not started yet: Stream fails open on a 5xx, which is what a runtime without bots should cause.
  if (!options.decide) return { status: 503, body: { error: 'adapter not started' } };
  const rawId = request.headers['x-webhook-id'];
  const deliveryId = Array.isArray(rawId) ? rawId[0] : rawId;
  const verdict = await options.decide(toPreSendRequest(payload, { botId: options.botId, ...(deliveryId ? { deliveryId } : {}) }));
  return { status: 200, body: toHookAnswer(verdict) };
}
