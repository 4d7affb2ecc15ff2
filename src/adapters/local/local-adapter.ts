/**
 * The local platform: an in-process chat with every capability, used by the test kit. Users act
 * through `act` (say, join, leave, react, edit, delete), which produces the same normalized events
 * a real platform would; everything bots do is recorded in `state` for assertions.
 */
import type { Adapter, AdapterStartOptions, Attachment, Capability, ConversationRef, EventSink, InboundEvent, OutgoingMessage, PreSendDecider, SentMessage, UserRef } from '../adapter.ts';
import { CAPABILITIES } from '../adapter.ts';
import { localHistory } from './local-history.ts';
import { localModeration } from './local-moderation.ts';
import { screenAndPost } from './local-say.ts';
import { createLocalState, type LocalConversation, type LocalMessage, type LocalState } from './local-state.ts';

export interface LocalAdapter extends Adapter {
  readonly state: LocalState;
  /** Act as users on the local platform. Each call resolves once the event was ingested. */
  readonly act: LocalActions;
}

export interface SayOptions {
  parentId?: string;
  mentions?: Array<UserRef | string>;
  attachments?: Attachment[];
  data?: Record<string, unknown>;
}

export interface LocalActions {
  /** Posts as the user; beforeSend handlers decide first (a rejected message comes back with `rejected` set). */
  say(user: UserRef | string, conversation: string, text: string, options?: SayOptions): Promise<LocalMessage>;
  /** The user flags a message for review (`message.flagged`). */
  flag(user: UserRef | string, conversation: string, messageId: string, reason?: string): Promise<void>;
  join(user: UserRef | string, conversation: string, by?: UserRef | string): Promise<void>;
  leave(user: UserRef | string, conversation: string): Promise<void>;
  react(user: UserRef | string, conversation: string, messageId: string, type: string): Promise<void>;
  edit(user: UserRef | string, conversation: string, messageId: string, text: string): Promise<void>;
  delete(user: UserRef | string, conversation: string, messageId: string): Promise<void>;
  rename(user: UserRef | string, conversation: string, name: string): Promise<void>;
  /** Stops the AI replies being written in the conversation, as Stream's `ai_indicator.stop` from a user's client. */
  stop(user: UserRef | string, conversation: string): Promise<void>;
}

/** `now`: the time events and messages are stamped with (the test kit's clock). Default: the real time. */
export function createLocalAdapter(options: { bot: UserRef; now?: () => number }): LocalAdapter {
  const botUser: UserRef = { ...options.bot, isBot: true };
  const clockNow = options.now ?? Date.now;
  const state = createLocalState(clockNow);
  let sink: EventSink | undefined;
  let decide: PreSendDecider | undefined;
  const capabilities = new Set<Capability>(CAPABILITIES);
  /** Conversation + send key → message id, for sends made without a client id (OutgoingMessage `sendKey`). */
  const sentByKey = new Map<string, string>();
  let seq = 0;
  const now = () => new Date(clockNow()).toISOString();
  const ref = (id: string): ConversationRef => ({ platform: 'local', id });
  const user = (u: UserRef | string): UserRef => state.user(typeof u === 'string' ? { id: u } : u);

  async function emit(partial: Omit<InboundEvent, 'id' | 'platform' | 'occurredAt' | 'raw'>): Promise<void> {
    if (!sink) throw new Error('The local adapter is not started: call runtime.start() first');
    const event: InboundEvent = { id: `local-${++seq}`, platform: 'local', occurredAt: now(), raw: { ...partial }, ...partial };
    await sink(event);
  }

  const act: LocalActions = {
    async say(who, conversation, text, opts = {}) {
      const sender = user(who);
      const draft = { text, mentions: (opts.mentions ?? []).map(user), attachments: opts.attachments ?? [], data: opts.data ?? {}, ...(opts.parentId ? { parentId: opts.parentId } : {}) };
      // Tests may take 'preSend' away to play a platform without the hook (ACS).
      const result = await screenAndPost(state, ref(conversation), sender, draft, capabilities.has('preSend') ? decide : undefined, clockNow);
      if ('rejected' in result) return result.rejected;
      await emit({ type: 'message.new', conversation: ref(conversation), sender, message: { ...result.posted } });
      return result.posted;
    },
    async flag(who, conversation, messageId, reason) {
      const c = state.conversation(conversation);
      const message = c.find(messageId);
      c.flags.push({ by: user(who).id, messageId, ...(reason ? { reason } : {}) });
      const totalFlags = c.flags.filter((f) => f.messageId === messageId).length;
      await emit({ type: 'message.flagged', conversation: ref(conversation), sender: user(who), message: { ...message }, moderation: { ...(reason ? { reason } : {}), totalFlags } });
    },
    async join(who, conversation, by) {
      const member = user(who);
      state.conversation(conversation).members.add(member.id);
      await emit({ type: 'member.added', conversation: ref(conversation), sender: by ? user(by) : member, member });
    },
    async leave(who, conversation) {
      const member = user(who);
      state.conversation(conversation).members.delete(member.id);
      await emit({ type: 'member.removed', conversation: ref(conversation), sender: member, member });
    },
    async react(who, conversation, messageId, type) {
      const sender = user(who);
      state.conversation(conversation).find(messageId).reactions.push({ type, user: sender.id });
      await emit({ type: 'reaction.new', conversation: ref(conversation), sender, reaction: { type, messageId }, message: { ...state.conversation(conversation).find(messageId) } });
    },
    async edit(who, conversation, messageId, text) {
      const m = state.conversation(conversation).find(messageId);
      Object.assign(m, { text, updatedAt: now() });
      state.conversation(conversation).revisions.get(messageId)?.push(text);
      await emit({ type: 'message.updated', conversation: ref(conversation), sender: user(who), message: { ...m } });
    },
    async delete(who, conversation, messageId) {
      const m = state.conversation(conversation).find(messageId);
      m.deleted = true;
      await emit({ type: 'message.deleted', conversation: ref(conversation), sender: user(who), message: { ...m } });
    },
    async rename(who, conversation, name) {
      state.conversation(conversation).name = name;
      await emit({ type: 'conversation.updated', conversation: { ...ref(conversation), name }, sender: user(who), changes: { name } });
    },
    async stop(who, conversation) {
      const sender = user(who);
      state.conversation(conversation).indicators.push({ state: 'stop', user: sender.id, at: now() });
      await emit({ type: 'ai_indicator.stop', conversation: ref(conversation), sender });
    },
  };

  const conv = (c: ConversationRef): LocalConversation => state.conversation(c.id);

  return {
    platform: 'local',
    botUser,
    capabilities,
    client: state,
    state,
    act,
    async start(o: AdapterStartOptions) {
      sink = o.sink;
      decide = o.decide;
      state.user(botUser);
    },
    async stop() {
      sink = undefined;
      decide = undefined;
    },
    async send(c, out: OutgoingMessage): Promise<SentMessage> {
      const existing = out.id ? conv(c).messages.find((m) => m.id === out.id) : undefined;
      if (existing) return { id: existing.id, conversation: c };
      // Without the `clientMessageId` capability (playing ACS) a retried run finds its send by key, as on ACS.
      const keyed = out.sendKey === undefined ? undefined : `${c.id}\u0000${out.sendKey}`;
      const sentBefore = keyed !== undefined && out.repeatSince !== undefined ? sentByKey.get(keyed) : undefined;
      if (sentBefore) return { id: sentBefore, conversation: c };
      const m = conv(c).post({
        text: out.text ?? '',
        user: botUser,
        mentions: out.mentions ?? [],
        attachments: out.attachments ?? [],
        data: out.data ?? {},
        ...(out.html ? { html: out.html } : {}),
        ...(out.parentId ? { parentId: out.parentId } : {}),
        ...(out.id ? { id: out.id } : {}),
        ...(out.silent ? { silent: true } : {}),
        ...(out.pinned ? { pinned: true } : {}),
      });
      if (keyed !== undefined) sentByKey.set(keyed, m.id);
      return { id: m.id, conversation: c };
    },
    async editMessage(c, id, out) {
      const m = conv(c).find(id);
      Object.assign(m, { ...(out.text !== undefined ? { text: out.text } : {}), updatedAt: now() });
      conv(c).revisions.get(id)?.push(m.text);
    },
    async deleteMessage(c, id, o) {
      const m = conv(c).find(id);
      m.deleted = true;
      if (o?.hard) conv(c).messages.splice(conv(c).messages.indexOf(m), 1);
    },
    async markRead(c, id) {
      conv(c).reads.set(botUser.id, id ?? conv(c).messages.at(-1)?.id ?? '');
    },
    async typing(c, o) {
      conv(c).typing.push({ user: botUser.id, at: now(), stop: o?.stop === true });
    },
    ...localModeration({ state, botUser, emit, now: clockNow }),
    async addMembers(c, users) {
      for (const u of users) conv(c).members.add(state.user(u).id);
    },
    async removeMembers(c, ids) {
      for (const id of ids) conv(c).members.delete(id);
    },
    async addModerators(c, ids) {
      for (const id of ids) conv(c).moderators.add(id);
    },
    async demoteModerators(c, ids) {
      for (const id of ids) conv(c).moderators.delete(id);
    },
    async react(c, id, type) {
      conv(c).find(id).reactions.push({ type, user: botUser.id });
    },
    async updateConversation(c, changes) {
      if (changes.name ?? changes.topic) conv(c).name = changes.name ?? changes.topic;
    },
    async aiIndicator(c, update) {
      conv(c).indicators.push({ state: update.state, messageId: update.messageId, ...(update.message ? { message: update.message } : {}), user: botUser.id, at: now() });
    },
    async history(c, query) {
      return localHistory(conv(c), query);
    },
  };
}
