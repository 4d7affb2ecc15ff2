/**
 * The ACS adapter: the bot is an ACS user; inbound comes from the listMessages poller and Event Grid;
 * outbound verbs go through ChatThreadClient. The only non-emulator code that imports the Azure SDKs.
 */
import type { ChatThreadClient } from '@azure/communication-chat';
import { randomUUID } from 'node:crypto';
import type { JWTVerifyGetKey } from 'jose';
import type { Logger } from 'pino';
import type { EventGridSettings } from '../../config/event-grid.ts';
import type { Adapter, AdapterStartOptions, Capability, ConversationRef, EventSink, InboundEvent, OutgoingMessage, UserRef } from '../adapter.ts';
import { NotSupportedError, PlatformError } from '../../errors.ts';
import type { StateStore } from '../../state/store.ts';
import { BotTokenCredential } from './credential.ts';
import { call } from './errors.ts';
import { createEventGridAuth } from './event-grid-auth.ts';
import { createGridWebhook } from './event-grid-webhook.ts';
import { readAcsHistory } from './history.ts';
import { chatTokenFetcher, createIdentityClient, resolveBotUser } from './identity.ts';
import { toAcsOutgoing } from './outgoing.ts';
import { createParticipantCounts } from './participants.ts';
import { createPoller, type PollOptions, type PollStats } from './poller.ts';
import { RecentEvents } from './recent.ts';
import { ChatClient } from './sdk.ts';
import { sentBefore } from './sent-before.ts';
import { ServiceClock } from './service-clock.ts';
import { verifyAcsCredentials } from './verify.ts';

export type { PollOptions, PollStats } from './poller.ts';
export { META } from './mentions.ts';
export { createAcsUser } from './identity.ts';
export { eventIds } from './normalize.ts';

export interface AcsAdapterOptions {
  connectionString: string;
  /** ACS_BOT_USER_ID; when absent the adapter creates a user once and keeps it in the store (`acs:bot-user`). */
  botUserId?: string;
  /** The bot's display name: senderDisplayName on its messages, and `@<name>` in text mentions it. */
  botName: string;
  /** A PEM to trust (the emulator's certificate), passed as tlsOptions.ca to both SDK clients. */
  tlsCa?: string;
  poll?: PollOptions & { enabled?: boolean };
  /** Fetch a new chat token this long before the current one expires (default 5 min; at most half a token's life). */
  tokenRefreshMarginMs?: number;
  now?: () => number;
  /**
   * Event Grid on POST /webhooks/acs and how it is authenticated. Absent: every request there is
   * refused with 401 (polling still runs). `keys` replaces fetching the Entra JWKS (tests).
   */
  eventGrid?: EventGridSettings & { keys?: JWTVerifyGetKey };
}

export interface AcsAdapter extends Adapter {
  readonly client: ChatClient;
  /** Runs exactly one poll cycle (tests, benchmarks). */
  pollOnce(): Promise<PollStats>;
  /** The last cycle's numbers: calls, threads listed and polled, events, lag. */
  readonly pollStats: PollStats | undefined;
  /** How many chat tokens were fetched so far. */
  readonly tokenRefreshes: number;
}

/**
 * Capabilities. Not listed: aiIndicator (ACS has none: ctx.stream shows typing, then sends once), threads (ACS has none: a reply is a message naming its parent in
 * metadata `botyard.parentId`), moderators, reactions, clientMessageId (ACS picks message ids).
 * `ban` is listed but means removal: ACS has no ban, so `ban()` removes the participant from the
 * thread, and nothing stops someone re-adding them.
 */
const CAPABILITIES: Capability[] = ['html', 'attachments', 'mentions', 'markRead', 'typing', 'edit', 'delete', 'ban', 'members', 'topic', 'history'];

export function createAcsAdapter(options: AcsAdapterOptions): AcsAdapter {
  const now = options.now ?? Date.now;
  const tls = options.tlsCa ? { tlsOptions: { ca: options.tlsCa } } : {};
  const identity = createIdentityClient(options.connectionString, options.tlsCa);
  const endpoint = /endpoint=(.*?);accesskey=/i.exec(options.connectionString)?.[1];
  if (!endpoint) throw new PlatformError('acs', 'ACS_CONNECTION_STRING must look like endpoint=https://…/;accesskey=…', { retryable: false });
  let botUser: UserRef = { id: options.botUserId ?? '', name: options.botName, isBot: true };
  let credential: BotTokenCredential | undefined;
  let chat: ChatClient | undefined;
  let store: StateStore | undefined;
  let sink: EventSink | undefined;
  let log: Logger | undefined;
  const recent = new RecentEvents(now);
  const serviceClock = new ServiceClock(now);
  const threadClients = new Map<string, ChatThreadClient>();

  const started = () => {
    if (!chat) throw new PlatformError('acs', 'The ACS adapter is not started: call start() first.', { retryable: false });
    return chat;
  };
  const thread = (conversation: ConversationRef): ChatThreadClient => {
    let client = threadClients.get(conversation.id);
    if (!client) {
      if (threadClients.size > 1000) threadClients.clear();
      client = started().getChatThreadClient(conversation.id);
      threadClients.set(conversation.id, client);
    }
    return client;
  };
  const participants = createParticipantCounts((id) => thread({ platform: 'acs', id }), now);
  const deliver = async (event: InboundEvent) => {
    if (!sink) throw new Error('not started');
    if (event.type === 'member.added' || event.type === 'member.removed') participants.forget(event.conversation.id);
    if (!recent.claim(event.id)) return;
    try {
      await sink(event);
    } catch (error) {
      recent.release(event.id);
      throw error;
    }
  };

  const grid = options.eventGrid;
  const gridWebhook = createGridWebhook({
    authenticate: createEventGridAuth({
      secrets: grid?.secrets ?? [],
      secretParam: grid?.secretParam ?? 'secret',
      ...(grid?.entra ? { entra: grid.entra } : {}),
      ...(grid?.keys ? { keys: grid.keys } : {}),
      ...(options.tlsCa ? { ca: options.tlsCa } : {}),
    }),
    bot: () => botUser,
    deliver,
    validation: grid?.validation ?? 'sync',
    validationHosts: grid?.validationHosts ?? [],
    ...(options.tlsCa ? { ca: options.tlsCa } : {}),
    get log() {
      return log;
    },
  });

  const poller = createPoller(
    { chat: started, store: () => store!, bot: () => botUser, deliver, now, serviceTimeAt: (local) => serviceClock.serviceTimeAt(local), log: () => log, instanceId: randomUUID() },
    options.poll,
  );

  const adapter: AcsAdapter = {
    platform: 'acs',
    webhookPath: '/webhooks/acs',
    capabilities: new Set(CAPABILITIES),
    get botUser() {
      return botUser;
    },
    get client() {
      return started();
    },
    get pollStats() {
      return poller.stats;
    },
    get tokenRefreshes() {
      return credential?.refreshes ?? 0;
    },

    async start(start: AdapterStartOptions) {
      ({ store, sink, log } = start);
      const id = await resolveBotUser(identity, start.store, options.botUserId);
      botUser = { id, name: options.botName, isBot: true };
      credential = new BotTokenCredential(chatTokenFetcher(identity, id), now, options.tokenRefreshMarginMs ?? 5 * 60_000);
      await credential.refresh();
      chat = new ChatClient(endpoint, credential, { ...tls, additionalPolicies: [{ policy: serviceClock.policy(), position: 'perRetry' }] });
      if (options.poll?.enabled !== false) poller.start();
      log?.info({ botUserId: id }, 'acs adapter started');
    },
    async stop() {
      await poller.stop();
      credential?.dispose();
    },
    verifyCredentials: () => verifyAcsCredentials({ connectionString: options.connectionString, botUserId: options.botUserId, tlsCa: options.tlsCa }),
    async ready() {
      try {
        await credential!.getToken();
        await started().listChatThreads({ maxPageSize: 1 }).byPage().next();
        return { ok: true };
      } catch (error) {
        return { ok: false, reason: error instanceof Error ? error.message : String(error) };
      }
    },
    pollOnce: () => poller.pollOnce(),
    participantCount: (conversation) => call('listParticipants', () => participants.count(conversation.id)),
    pollLagMs: () => poller.lagMs(),

    async handleWebhook(request) {
      const response = await gridWebhook(request);
      if (response.status === 200 && request.method !== 'OPTIONS' && request.body.length) poller.nudge();
      return response;
    },

    async send(conversation, message: OutgoingMessage) {
      if (message.sendKey !== undefined && message.repeatSince !== undefined) {
        const { sendKey, repeatSince } = message;
        const earlier = await call('listMessages', () => sentBefore(thread(conversation), botUser.id, sendKey, repeatSince));
        if (earlier) return { id: earlier, conversation };
      }
      const out = toAcsOutgoing(message);
      const { id } = await call('sendMessage', () =>
        thread(conversation).sendMessage({ content: out.content }, { senderDisplayName: options.botName, type: out.type, metadata: out.metadata }),
      );
      return { id, conversation };
    },
    async editMessage(conversation, messageId, message) {
      const out = toAcsOutgoing(message);
      await call('updateMessage', () => thread(conversation).updateMessage(messageId, { content: out.content, metadata: out.metadata }));
    },
    async deleteMessage(conversation, messageId) {
      // ACS deletes are soft (the message keeps an id and gets deletedOn); `hard` makes no difference.
      await call('deleteMessage', () => thread(conversation).deleteMessage(messageId));
    },
    async markRead(conversation, messageId) {
      let id = messageId;
      if (!id) {
        const page = await call('listMessages', () => thread(conversation).listMessages({ maxPageSize: 1 }).byPage().next());
        id = page.value?.[0]?.id;
        if (!id) return;
      }
      await call('sendReadReceipt', () => thread(conversation).sendReadReceipt({ chatMessageId: id }));
    },
    async typing(conversation, typingOptions) {
      // ACS has no "stopped typing": the indicator lapses on its own or when the bot sends.
      if (typingOptions?.stop) return;
      await call('sendTypingNotification', () => thread(conversation).sendTypingNotification({ senderDisplayName: options.botName }));
    },
    async ban(conversation, userId, opts) {
      // ACS has no ban: removal from this thread is all there is, so an app-wide or timed ban cannot be honoured.
      if (opts?.global) throw new NotSupportedError('acs', 'ban', 'ACS has no app-wide ban; ban() removes the user from this thread only.');
      if (opts?.timeoutMinutes) throw new NotSupportedError('acs', 'ban', 'ACS has no timed ban; ban() removes the user from this thread until someone adds them back.');
      await adapter.removeMembers!(conversation, [userId]);
    },
    async addMembers(conversation, users) {
      const result = await call('addParticipants', () =>
        thread(conversation).addParticipants({
          participants: users.map((u) => ({ id: { communicationUserId: u.id }, ...(u.name ? { displayName: u.name } : {}) })),
        }),
      );
      const invalid = result.invalidParticipants ?? [];
      if (invalid.length) {
        throw new PlatformError('acs', `addParticipants refused ${invalid.map((e) => `${e.target} (${e.code} ${e.message})`).join(', ')}`, {
          status: Number(invalid[0]!.code) || undefined, platformCode: invalid[0]!.code, retryable: false,
        });
      }
    },
    async removeMembers(conversation, userIds) {
      for (const id of userIds) await call('removeParticipant', () => thread(conversation).removeParticipant({ communicationUserId: id }));
    },
    async updateConversation(conversation, changes) {
      const topic = changes.topic ?? changes.name;
      const metadata = changes.data && Object.fromEntries(Object.entries(changes.data).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
      if (metadata) await call('updateProperties', () => thread(conversation).updateProperties({ ...(topic !== undefined ? { topic } : {}), metadata }));
      else if (topic !== undefined) await call('updateTopic', () => thread(conversation).updateTopic(topic));
    },
    async history(conversation, query) {
      return call('listMessages', () => readAcsHistory(thread(conversation), botUser, query));
    },
  };
  return adapter;
}
