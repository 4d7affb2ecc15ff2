/**
 * The Context a `bot.beforeSend` handler receives: the message a user is about to send, and three
 * verbs that decide on it. Nothing here talks to the platform: the platform is waiting for the answer
 * (Stream gives its hook 1.5 s), so the handler may read and write its own store and decide, no more.
 */
import type { Logger } from 'pino';
import type { Attachment, Capability, ConversationRef, Message, PlatformName, PreSendRequest, PreSendRewrite, UserRef } from '../adapters/adapter.ts';
import type { StateStore } from '../state/store.ts';

/** What the sender is shown when a handler rejects without `notify`. */
export const DEFAULT_REJECT_NOTICE = 'This message was not sent.';

export interface RejectOptions {
  /** Why, for logs, the `message.rejected` event and the console. Required. */
  reason: string;
  /**
   * What the sender is told: `true` shows them `reason`, a string shows that text. Without it they see
   * a neutral "This message was not sent." (Stream always shows the sender an error message.)
   */
  notify?: boolean | string;
  /** Anything to carry to `bot.on('message.rejected')` handlers, e.g. `{ strikes: 2 }`. */
  data?: Record<string, unknown>;
}

/** What `ctx.rewrite` may change: text, attachments, custom fields (`data`), silent (what Stream lets a hook rewrite). */
export type RewriteOptions = PreSendRewrite;

/** One handler's decision; a handler that decides nothing allows. */
export type Decision =
  | { kind: 'allow' }
  | { kind: 'reject'; reason: string; notice: string; data?: Record<string, unknown> }
  | { kind: 'rewrite'; changes: PreSendRewrite };

export interface DecisionContextDeps {
  request: PreSendRequest;
  /** The message as it stands after the rewrites of the handlers that ran before this one. */
  message: Message;
  bot: string;
  signal: AbortSignal;
  store: StateStore;
  log: Logger;
  config: unknown;
  capabilities: ReadonlySet<Capability>;
}

export class DecisionContext<Config = unknown> {
  readonly platform: PlatformName;
  readonly conversation: ConversationRef;
  /** The message to decide on; `id` may be empty (the platform picks it after the decision). */
  readonly message: Message;
  readonly sender: UserRef;
  readonly bot: string;
  /** This bot's own key-value state (`increment` is atomic: count strikes with it). */
  readonly store: StateStore;
  readonly log: Logger;
  readonly config: Config;
  /** Aborted when the decision budget runs out: the platform will not wait longer. */
  readonly signal: AbortSignal;
  /** The platform's payload, untouched. */
  readonly raw: unknown;

  private current: Decision | undefined;
  private readonly capabilities: ReadonlySet<Capability>;

  constructor(deps: DecisionContextDeps) {
    this.platform = deps.request.platform;
    this.conversation = deps.request.conversation;
    this.message = deps.message;
    this.sender = deps.request.sender;
    this.bot = deps.bot;
    this.store = deps.store;
    this.log = deps.log;
    this.config = deps.config as Config;
    this.signal = deps.signal;
    this.raw = deps.request.raw;
    this.capabilities = deps.capabilities;
  }

  /** What this handler decided so far (undefined: nothing yet, which counts as allow). */
  get decision(): Decision | undefined {
    return this.current;
  }

  /** Whether the platform supports a capability (`preSend` is true wherever this handler runs). */
  can(capability: Capability): boolean {
    return this.capabilities.has(capability);
  }

  /** Lets the message through unchanged (as far as this handler is concerned). */
  allow(): void {
    if (this.current?.kind !== 'reject') this.current = { kind: 'allow' };
  }

  /** Refuses the message: nobody but the sender ever sees it. A reject wins over every other decision. */
  reject(options: RejectOptions): void {
    if (!options || typeof options.reason !== 'string' || !options.reason.trim()) {
      throw new TypeError(`${this.bot}: ctx.reject() needs { reason: '...' } saying why (it is logged and carried on message.rejected)`);
    }
    const notify = options.notify;
    const notice = typeof notify === 'string' && notify.trim() ? notify : notify === true ? options.reason : DEFAULT_REJECT_NOTICE;
    this.current = { kind: 'reject', reason: options.reason, notice, ...(options.data ? { data: options.data } : {}) };
  }

  /** Changes the message before it is stored: text, attachments, custom fields, silent. Later calls add to earlier ones. */
  rewrite(changes: RewriteOptions): void {
    if (!changes || typeof changes !== 'object') throw new TypeError(`${this.bot}: ctx.rewrite() needs { text?, attachments?, data?, silent? }`);
    if (changes.text !== undefined && typeof changes.text !== 'string') throw new TypeError(`${this.bot}: ctx.rewrite({ text }) must be a string`);
    if (this.current?.kind === 'reject') return;
    const before = this.current?.kind === 'rewrite' ? this.current.changes : {};
    const data = changes.data || before.data ? { ...before.data, ...changes.data } : undefined;
    this.current = { kind: 'rewrite', changes: { ...before, ...changes, ...(data ? { data } : {}) } };
  }
}
