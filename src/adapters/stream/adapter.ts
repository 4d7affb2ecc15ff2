/**
 * The Stream adapter: webhook ingest (signature, parse, normalize, hand to the sink, answer) and every
 * outbound verb through the stream-chat server client, acting as the bot user.
 */
import { traceLogFields } from '../../telemetry/carrier.ts';
import { constantBody } from '../constant-body.ts';
import { rememberRawJson } from '../raw-json.ts';
import type { StreamChat } from 'stream-chat';
import type { Adapter, AdapterStartOptions, Capability, ConversationRef, IngestResult, OutgoingMessage, SentMessage, UserRef, WebhookRequest, WebhookResponse } from '../adapter.ts';
import { readStreamHistory, sendAiIndicator } from './ai.ts';
import { handleBeforeSendHook } from './before-send.ts';
import { createChannelCache } from './channel-cache.ts';
import { createStreamClient } from './client.ts';
import { isDuplicateMessageError, toPlatformError } from './errors.ts';
import { streamModeration } from './moderation.ts';
import { fromAttachment, normalize } from './normalize.ts';
import { watchRateLimits } from './rate-limit-headers.ts';
import { verifySignature } from './signature.ts';
import { verifyStreamCredentials } from './verify.ts';

export interface StreamAdapterOptions {
  apiKey: string;
  apiSecret: string;
  /** The API base URL; the emulator's URL in development. Default: Stream's production API. */
  baseUrl?: string;
  bot: { id: string; name: string };
  /** Per-call HTTP timeout of the SDK. Default 10 s (the SDK's own default is 3 s). */
  timeoutMs?: number;
  /** Largest webhook body accepted (the server enforces it before calling us; kept here for the 413 check of direct callers). */
  maxBodyBytes?: number;
  /** See StreamClientOptions.useEnvProxy. */
  useEnvProxy?: boolean;
}

export interface StreamAdapter extends Adapter {
  readonly client: StreamChat;
}

/**
 * No 'html': Stream renders `text` (markdown) into `html` itself, and the SDK strips `html` from
 * message updates, so a bot cannot send its own HTML. No 'topic': channels have a name, not a topic.
 */
const CAPABILITIES: Capability[] = [
  'threads', 'attachments', 'mentions', 'markRead', 'typing', 'edit', 'delete', 'ban', 'members', 'moderators', 'reactions', 'clientMessageId', 'moderation',
  'preSend', 'flag', 'mute', 'shadowBan', 'unban', 'pin', 'silent', 'aiIndicator', 'history',
];

/** The answer to a delivery ingest took, by what it did with the event (constant: serialized once). */
const DELIVERED: Record<IngestResult, WebhookResponse> = {
  accepted: { status: 200, body: constantBody({ ok: true, result: 'accepted' }) },
  duplicate: { status: 200, body: constantBody({ ok: true, result: 'duplicate' }) },
  ignored: { status: 200, body: constantBody({ ok: true, result: 'ignored' }) },
};

// The SDK types custom data through module augmentation; botyard passes custom fields flat, so calls
// that carry them are typed loosely here rather than augmenting the SDK's types project-wide.
type Loose = any;

export function createStreamAdapter(options: StreamAdapterOptions): StreamAdapter {
  const client = createStreamClient(options);
  const bot = options.bot;
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  let sink: AdapterStartOptions['sink'] | undefined;
  let log: AdapterStartOptions['log'] | undefined;
  let decide: AdapterStartOptions['decide'];

  const channel = createChannelCache(client);
  const channelOf = (conversation: ConversationRef) => channel(conversation.id);
  const call = async <T>(action: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      throw toPlatformError(err, action);
    }
  };

  const messageBody = (message: OutgoingMessage): Record<string, unknown> => ({
    ...(message.data ?? {}),
    ...(message.text !== undefined ? { text: message.text } : {}),
    ...(message.attachments ? { attachments: message.attachments.map(fromAttachment) } : {}),
    ...(message.mentions?.length ? { mentioned_users: message.mentions.map((u) => u.id) } : {}),
  });

  const adapter: StreamAdapter = {
    platform: 'stream',
    botUser: { id: bot.id, name: bot.name, isBot: true },
    capabilities: new Set(CAPABILITIES),
    client,
    webhookPath: '/webhooks/stream',
    beforeSendPath: '/webhooks/stream/before-send',

    async start(opts) {
      sink = opts.sink;
      log = opts.log;
      decide = opts.decide;
      await call('upsert bot user', () => client.upsertUser({ id: bot.id, name: bot.name, role: 'admin', is_bot: true } as Loose));
      log.info({ bot: bot.id, baseUrl: client.baseURL }, 'stream adapter started');
    },

    async stop() {
      sink = undefined;
      decide = undefined;
    },

    verifyCredentials: () => verifyStreamCredentials(client, options.baseUrl),
    onRateLimit(listener) {
      watchRateLimits(client, listener);
    },
    handleBeforeSend: (request) => handleBeforeSendHook(request, { apiSecret: options.apiSecret, botId: bot.id, maxBodyBytes, decide }),

    async ready() {
      try {
        await client.getAppSettings();
        return { ok: true };
      } catch (err) {
        return { ok: false, reason: toPlatformError(err, 'GET /app').message };
      }
    },

    async handleWebhook(request: WebhookRequest): Promise<WebhookResponse> {
      if (request.body.length > maxBodyBytes) return { status: 413, body: { error: `body larger than ${maxBodyBytes} bytes` } };
      // Check the signature before parsing anything: an unsigned body never reaches JSON.parse or a handler.
      if (!verifySignature(request.body, request.headers['x-signature'], options.apiSecret)) {
        return { status: 401, body: { error: 'invalid or missing X-Signature' } };
      }
      let payload: Record<string, unknown>;
      try {
        payload = JSON.parse(request.body.toString('utf8'));
        // The Redis queue stores the event with these bytes as its `raw` instead of serializing it again.
        if (payload && typeof payload === 'object') rememberRawJson(payload, request.body);
      } catch {
        return { status: 400, body: { error: 'body is not valid JSON' } };
      }
      if (!payload || typeof payload !== 'object' || typeof payload.type !== 'string') {
        return { status: 400, body: { error: 'payload has no event type' } };
      }
      if (!sink) return { status: 503, body: { error: 'adapter not started' }, headers: { 'retry-after': '1' } };
      const rawId = request.headers['x-webhook-id'];
      const webhookId = Array.isArray(rawId) ? rawId[0] : rawId;
      const event = normalize(payload, { botId: bot.id, webhookId, body: request.body });
      // A failing sink answers 500 so Stream retries the delivery; the dedupe key makes that safe.
      try {
        return DELIVERED[await sink(event)];
      } catch (err) {
        log?.error({ err, eventId: event.id, ...traceLogFields(event) }, 'stream webhook: sink failed; answering 500 so Stream retries');
        return { status: 500, body: { error: 'event not accepted' } };
      }
    },

    async send(conversation, message): Promise<SentMessage> {
      const body = {
        ...messageBody(message),
        ...(message.id ? { id: message.id } : {}),
        ...(message.parentId ? { parent_id: message.parentId } : {}),
        ...(message.silent ? { silent: true } : {}),
        ...(message.pinned ? { pinned: true } : {}),
        user_id: bot.id,
      };
      try {
        // Silent means no unread count (`silent`) and no push (`skip_push`): Stream keeps the two apart.
        const res = await channelOf(conversation).sendMessage(body as Loose, message.silent ? { skip_push: true } : undefined);
        return { id: res.message.id, conversation };
      } catch (err) {
        // A retried send whose first attempt did land: the platform already has it, so this is success.
        if (message.id && isDuplicateMessageError(err)) return { id: message.id, conversation };
        throw toPlatformError(err, `send to ${conversation.id}`);
      }
    },

    async editMessage(_conversation, messageId, message) {
      const set = messageBody(message);
      if (message.mentions && !message.mentions.length) set.mentioned_users = [];
      await call(`edit ${messageId}`, () => client.partialUpdateMessage(messageId, { set } as Loose, bot.id));
    },

    async deleteMessage(_conversation, messageId, opts) {
      await call(`delete ${messageId}`, () => client.deleteMessage(messageId, opts?.hard === true));
    },

    async markRead(conversation, messageId) {
      await call(`markRead ${conversation.id}`, () => channelOf(conversation).markRead({ user_id: bot.id, ...(messageId ? { message_id: messageId } : {}) } as Loose));
    },

    async typing(conversation, opts) {
      // channel.keystroke() is a no-op without a websocket; sendEvent is what reaches the API.
      const event = { type: opts?.stop ? 'typing.stop' : 'typing.start', user_id: bot.id, ...(opts?.parentId ? { parent_id: opts.parentId } : {}) };
      await call(`typing ${conversation.id}`, () => channelOf(conversation).sendEvent(event as Loose));
    },

    ...streamModeration(client, bot.id, call, channelOf),

    async addMembers(conversation, users: UserRef[]) {
      await call(`add members to ${conversation.id}`, () => channelOf(conversation).addMembers(users.map((u) => u.id)));
    },
    async removeMembers(conversation, userIds) {
      await call(`remove members from ${conversation.id}`, () => channelOf(conversation).removeMembers(userIds));
    },
    async addModerators(conversation, userIds) {
      await call(`add moderators to ${conversation.id}`, () => channelOf(conversation).addModerators(userIds));
    },
    async demoteModerators(conversation, userIds) {
      await call(`demote moderators in ${conversation.id}`, () => channelOf(conversation).demoteModerators(userIds));
    },

    async react(conversation, messageId, type) {
      await call(`react to ${messageId}`, () => channelOf(conversation).sendReaction(messageId, { type, user_id: bot.id }));
    },

    async updateConversation(conversation, changes) {
      // updatePartial keeps the custom fields we do not mention (update() would replace them all).
      const set = { ...(changes.data ?? {}), ...(changes.name !== undefined ? { name: changes.name } : {}), ...(changes.topic !== undefined ? { topic: changes.topic } : {}) };
      await call(`update ${conversation.id}`, () => channelOf(conversation).updatePartial({ set } as Loose));
    },

    async aiIndicator(conversation, update) {
      await call(`ai indicator ${update.state} in ${conversation.id}`, () => sendAiIndicator(channelOf(conversation), bot.id, update));
    },

    async history(conversation, query) {
      return call(`history of ${conversation.id}`, () => readStreamHistory(client, channelOf(conversation), bot.id, query));
    },
  };
  return adapter;
}
