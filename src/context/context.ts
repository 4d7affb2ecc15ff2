/**
 * The Context a handler receives: one event, and verbs that act on its platform with the ids
 * already filled in. Every verb goes through the outbound layer (limits, retries); a verb the
 * platform lacks throws NotSupportedError.
 */
import type { Logger } from 'pino';
import {
  parseConversation,
  type Adapter,
  type BanOptions,
  type Capability,
  type ConversationRef,
  type InboundEvent,
  type Message,
  type PlatformName,
  type SentMessage,
  type UserRef,
} from '../adapters/adapter.ts';
import { BotyardError, NotSupportedError } from '../errors.ts';
import type { CallKind } from '../outbound/limits.ts';
import type { StateStore } from '../state/store.ts';
import type { CommandInvocation, ContextDeps } from './context-deps.ts';
import { readHistory, type HistoryOptions } from './history.ts';
import { moderationVerbs } from './moderation.ts';
import { buildOutgoing, deterministicMessageId, mentionText, sendIdentity, type Outgoing, type SendIdentity } from './outgoing.ts';
import { timersOf, type ContextTimers, type FiredTimer } from './timers.ts';
import { deferTyping, type DeferredTyping } from './typing.ts';
import { streamReply, type StreamedMessage, type StreamOptions } from './stream-reply.ts';
import { defaultStreamingServices } from './streaming.ts';
import type { TextSourceInput } from './text-source.ts';

export type { CommandInvocation, ContextDeps } from './context-deps.ts';

export class Context<Config = unknown> {
  readonly event: InboundEvent;
  readonly platform: PlatformName;
  readonly conversation: ConversationRef;
  readonly message: Message | undefined;
  readonly sender: UserRef;
  /** The member added or removed, on member events. */
  readonly member: UserRef | undefined;
  /** The `hear(regex)` match. */
  readonly match: RegExpMatchArray | undefined;
  /** The parsed `/command`. */
  readonly command: CommandInvocation | undefined;
  /** This bot's own key-value state, shared by its handlers and instances. */
  readonly store: StateStore;
  readonly log: Logger;
  /** This bot's validated config from bot.config.ts. */
  readonly config: Config;
  /** The name of the bot handling this event. */
  readonly bot: string;
  /**
   * Aborted when this handler's run times out: pass it to anything long (`fetch(url, { signal: ctx.signal })`)
   * and check `ctx.signal.aborted` in loops, so a timed-out handler stops instead of working on unseen.
   */
  readonly signal: AbortSignal;
  /** In a `bot.timer(name)` handler: the timer that fired (`{ id, name, dueAt, payload, late, lateByMs, attempt, user }`). */
  readonly timer: FiredTimer | undefined;
  /** This bot's one-off timers: `schedule(name, { in: '10m' } | { at }, payload?, { id?, conversation? })`, `cancel`, `list`, `get`. */
  readonly timers: ContextTimers;

  readonly members = {
    add: (users: Array<string | UserRef>, conversation?: ConversationRef) =>
      this.act('members', 'members', conversation, (a, c) => a.addMembers!(c, users.map(toUser))),
    remove: (userIds: string[], conversation?: ConversationRef) =>
      this.act('members', 'members', conversation, (a, c) => a.removeMembers!(c, userIds)),
  };
  readonly moderators = {
    add: (userIds: string[], conversation?: ConversationRef) =>
      this.act('moderators', 'moderators', conversation, (a, c) => a.addModerators!(c, userIds)),
    demote: (userIds: string[], conversation?: ConversationRef) =>
      this.act('moderators', 'moderators', conversation, (a, c) => a.demoteModerators!(c, userIds)),
  };

  private readonly deps: ContextDeps;
  private readonly pendingMentions = new Map<string, UserRef>();
  private readonly moderation = moderationVerbs({
    act: (capability, kind, fn) => this.act(capability, kind, undefined, fn),
    eventMessageId: (verb) => this.requireMessage(verb).id,
  });
  private sends = 0;
  private typingStart: DeferredTyping | undefined;

  constructor(deps: ContextDeps) {
    this.deps = deps;
    this.event = deps.event;
    this.conversation = deps.conversation;
    this.platform = deps.conversation.platform;
    this.message = deps.event.message;
    this.sender = deps.event.sender;
    this.member = deps.event.member;
    this.match = deps.match;
    this.command = deps.command;
    this.store = deps.store;
    this.log = deps.log;
    this.config = deps.config as Config;
    this.bot = deps.bot;
    this.signal = deps.signal ?? new AbortController().signal;
    this.timer = deps.timer;
    this.timers = timersOf(this, deps.timers);
  }

  /** The raw SDK client of this platform (StreamChat, ChatClient): the escape hatch. */
  get client(): unknown {
    return this.adapter(this.platform).client;
  }

  /** The bot's own user on this platform. */
  get me(): UserRef {
    return this.adapter(this.platform).botUser;
  }

  /** Whether this platform supports a verb: `if (ctx.can('typing')) await ctx.typing()`. */
  can(capability: Capability): boolean {
    return this.adapter(this.platform).capabilities.has(capability);
  }

  /** `@name` for the text; the user is added to the mentions of the next message that contains it. */
  mention(user: UserRef | string): string {
    const ref = toUser(user);
    this.pendingMentions.set(ref.id, ref);
    return mentionText(ref);
  }

  /** Posts to this conversation. */
  send(message: Outgoing): Promise<SentMessage> {
    return this.sendTo(this.conversation, message);
  }

  /** Answers the event's message: in its thread where the platform has threads (on ACS, linked through metadata). */
  reply(message: Outgoing): Promise<SentMessage> {
    const parentId = this.message ? (this.message.parentId ?? this.message.id) : undefined;
    const out = typeof message === 'string' ? { text: message } : message;
    return this.sendTo(this.conversation, parentId && out.parentId === undefined ? { ...out, parentId } : out);
  }

  /** Posts to another conversation: a ConversationRef or `platform:id` (`stream:messaging:general`). */
  async sendTo(conversation: ConversationRef | string, message: Outgoing): Promise<SentMessage> {
    const target = parseConversation(conversation);
    const adapter = this.adapter(target.platform);
    const out = buildOutgoing(message, this.pendingMentions.values());
    if (out.silent && !adapter.capabilities.has('silent')) throw new NotSupportedError(adapter.platform, 'silent', 'Send without silent there.');
    if (out.pinned && !adapter.capabilities.has('pin')) throw new NotSupportedError(adapter.platform, 'pin', 'Send without pinned there.');
    const identity = this.nextSendIdentity(adapter);
    if (out.id === undefined) Object.assign(out, identity);
    // A typing start not sent yet gives way to this message; one already on its way lands first.
    const typing = target.platform === this.platform && target.id === this.conversation.id ? this.typingStart?.supersede() : undefined;
    if (typing) await typing;
    const sent = await this.deps.outbound.run(adapter, 'send', target, (a) => a.send(target, out), { signal: this.signal });
    this.deps.onSent?.(target);
    return sent;
  }

  /**
   * Streams a reply as `source` produces it (an AsyncIterable<string>, a ReadableStream<string>, the AI
   * SDK's `streamText()` result, or `(signal) => one of those` so a stop aborts the model call): AI
   * indicator, paced updates and a user's Stop on Stream; typing, then one message on ACS. See stream-reply.ts.
   */
  stream(source: TextSourceInput, options: StreamOptions = {}): Promise<StreamedMessage> {
    const adapter = this.adapter(this.platform);
    void this.typingStart?.supersede(); // the stream shows its own indicator
    const { outbound, onSent, streaming } = this.deps;
    const deps = { adapter, conversation: this.conversation, outbound, log: this.log, signal: this.signal, bot: this.bot, eventId: this.event.id };
    const replyParentId = this.message ? (this.message.parentId ?? this.message.id) : undefined;
    return streamReply({ ...deps, replyParentId, identity: () => this.nextSendIdentity(adapter), streaming: streaming ?? defaultStreamingServices(), ...(onSent ? { onSent } : {}) }, source, options);
  }

  /** This conversation's (or a thread's) recent messages, oldest first: `ctx.history({ limit: 20, thread })`. */
  history(options: HistoryOptions = {}): Promise<Message[]> {
    return readHistory(this.adapter(this.platform), this.deps.outbound, this.conversation, options, this.signal);
  }

  /** Marks the event's message (or the conversation) read by the bot. */
  markRead(): Promise<void> {
    return this.act('markRead', 'markRead', undefined, (a, c) => a.markRead!(c, this.message?.id));
  }

  /**
   * Shows the typing indicator (`{ stop: true }` hides it). A start waits for the end of this turn of
   * the event loop and is not sent when a message to this conversation comes first (typing.ts); it
   * resolves once requested.
   */
  typing(options: { stop?: boolean } = {}): Promise<void> {
    const parentId = this.message?.parentId;
    const call = () => this.act('typing', 'typing', undefined, (a, c) => a.typing!(c, { ...options, ...(parentId ? { parentId } : {}) }));
    if (options.stop) this.typingStart?.supersede();
    // Stops, and what must reject as it always did (no adapter, no capability, an abandoned handler), go at once.
    if (options.stop || this.signal.aborted || !this.deps.adapterFor(this.platform)?.capabilities.has('typing')) return call();
    this.typingStart ??= deferTyping(call, this.log, () => this.signal.aborted);
    return this.typingStart.start();
  }

  /** @internal When the handler returned: sends a typing start still waiting; resolves once it ended (never rejects). */
  settle(): Promise<void> {
    return this.typingStart?.settle() ?? Promise.resolve();
  }

  /** Edits a message the bot sent. */
  editMessage(messageId: string, message: Outgoing): Promise<void> {
    return this.act('edit', 'edit', undefined, (a, c) => a.editMessage!(c, messageId, buildOutgoing(message, this.pendingMentions.values())));
  }

  /** Deletes a message: by default the event's message. */
  deleteMessage(messageId = this.requireMessage('deleteMessage').id, options: { hard?: boolean } = {}): Promise<void> {
    const someoneElses = this.message?.id === messageId && this.message.user.id !== this.me.id;
    if (someoneElses && !this.can('moderation')) {
      return Promise.reject(new NotSupportedError(this.platform, 'moderation', 'Only the bot\'s own messages can be deleted here.'));
    }
    return this.act('delete', 'delete', undefined, (a, c) => a.deleteMessage!(c, messageId, options));
  }

  /**
   * Bans a user from this conversation (app-wide with `global`), by default the sender, for
   * `timeoutMinutes` or until unbanned. On ACS this removes them from the thread.
   */
  ban(userId = this.sender.id, options: BanOptions = {}): Promise<void> {
    return this.moderation.ban(userId, options);
  }

  /** Flags a message for the moderators (default: the event's message). Capability `flag`. */
  flag(messageId?: string, options?: { reason?: string }): Promise<void> {
    return this.moderation.flag(messageId, options);
  }
  /** Flags a user for the moderators. Capability `flag`. */
  flagUser(userId: string, options?: { reason?: string }): Promise<void> {
    return this.moderation.flagUser(userId, options);
  }
  /** Mutes a user for the bot's own user (no push from them to it). Capability `mute`. */
  mute(userId: string, options?: { timeoutMinutes?: number }): Promise<void> {
    return this.moderation.mute(userId, options);
  }
  /** Shadow bans a user: they keep posting and only they see it. Capability `shadowBan`. */
  shadowBan(userId: string, options?: BanOptions): Promise<void> {
    return this.moderation.shadowBan(userId, options);
  }
  /** Lifts a ban or shadow ban (here, or app-wide with `global`). Capability `unban`. */
  unban(userId: string, options?: { global?: boolean }): Promise<void> {
    return this.moderation.unban(userId, options);
  }
  /** Pins a message (default: the event's message). Capability `pin`. */
  pin(messageId?: string, options?: { expiresInSeconds?: number }): Promise<void> {
    return this.moderation.pin(messageId, options);
  }
  /** Unpins a message (default: the event's message). Capability `pin`. */
  unpin(messageId?: string): Promise<void> {
    return this.moderation.unpin(messageId);
  }

  /** Adds a reaction to a message: by default the event's message. */
  react(type: string, messageId = this.requireMessage('react').id): Promise<void> {
    return this.act('reactions', 'react', undefined, (a, c) => a.react!(c, messageId, type));
  }

  /** Changes the conversation's name (Stream) or topic (ACS), or custom data. */
  updateConversation(changes: { name?: string; topic?: string; data?: Record<string, unknown> }): Promise<void> {
    const adapter = this.adapter(this.platform);
    // Stream channels have a name (and custom data), ACS threads a topic: any adapter that can update is fine.
    if (!adapter.updateConversation) throw new NotSupportedError(adapter.platform, 'topic');
    return this.deps.outbound.run(adapter, 'topic', this.conversation, (a) => a.updateConversation!(this.conversation, changes), { signal: this.signal });
  }

  private adapter(platform: PlatformName): Adapter {
    const adapter = this.deps.adapterFor(platform);
    if (!adapter) throw new BotyardError('PLATFORM_NOT_ATTACHED', `No ${platform} adapter is attached. Set its credentials (see README: Configuration) or run botyard dev.`);
    return adapter;
  }

  /**
   * What makes this Context's next message the same message on every try of its run: a deterministic id
   * where the platform honours client ids (Stream answers a repeat with the first), else the same value as
   * a send key, with where to look for an earlier send when this run is a retry (sendIdentity).
   */
  private nextSendIdentity(adapter: Adapter): SendIdentity {
    const sender = this.deps.handlerIndex ? `${this.bot}#${this.deps.handlerIndex}` : this.bot;
    const key = deterministicMessageId(this.event.id, sender, this.sends++);
    // A timer's run may repeat one a crash cut short without knowing it (its claim lapsed, its attempt
    // unchanged), so a timer's sends always look first; an event's retries say so by their attempt.
    const repeat = (this.deps.attempt ?? 1) > 1 || this.deps.timer !== undefined;
    return sendIdentity(key, adapter.capabilities.has('clientMessageId'), repeat, this.event.occurredAt);
  }

  private requireMessage(verb: string): Message {
    if (!this.message) throw new BotyardError('NO_MESSAGE', `ctx.${verb}() needs a message id here: this ${this.event.type} event carries no message`);
    return this.message;
  }

  /** Checks the capability, then runs the verb through the outbound layer. */
  private async act(capability: Capability, kind: CallKind, conversation: ConversationRef | undefined, fn: (a: Adapter, c: ConversationRef) => Promise<void>): Promise<void> {
    const target = conversation ?? this.conversation;
    const adapter = this.adapter(target.platform);
    if (!adapter.capabilities.has(capability)) throw new NotSupportedError(adapter.platform, capability);
    await this.deps.outbound.run(adapter, kind, target, (a) => fn(a, target), { signal: this.signal });
  }
}

function toUser(user: string | UserRef): UserRef {
  return typeof user === 'string' ? { id: user } : user;
}
