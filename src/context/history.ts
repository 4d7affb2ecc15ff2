/**
 * `ctx.history({ limit, thread, before })`: a conversation's (or one thread's) recent messages,
 * normalized, oldest first, for giving a model context. Bounded (at most MAX_HISTORY per call) and
 * paged: pass `before: messages[0].id` to read further back.
 */
import type { Adapter, ConversationRef, Message } from '../adapters/adapter.ts';
import { NotSupportedError } from '../errors.ts';
import type { Outbound } from '../outbound/outbound.ts';

export interface HistoryOptions {
  /** How many messages, newest ones (default 20, at most 200). */
  limit?: number;
  /** A thread's parent message id: the parent and its replies instead of the whole conversation. */
  thread?: string;
  /** Only messages older than this message id. */
  before?: string;
}

export const DEFAULT_HISTORY = 20;
export const MAX_HISTORY = 200;

/** Reads under `signal` (the handler's ctx.signal) like every outbound verb: nothing starts once it is aborted, and paging stops. */
export function readHistory(adapter: Adapter, outbound: Outbound, conversation: ConversationRef, options: HistoryOptions = {}, signal?: AbortSignal): Promise<Message[]> {
  const limit = options.limit ?? DEFAULT_HISTORY;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_HISTORY) {
    return Promise.reject(
      new RangeError(`ctx.history({ limit }): limit must be a whole number from 1 to ${MAX_HISTORY}, got ${String(limit)}. Fix: ask for fewer and page back with { before: messages[0].id }`),
    );
  }
  for (const key of ['thread', 'before'] as const) {
    const value = options[key];
    if (value !== undefined && (typeof value !== 'string' || !value)) {
      return Promise.reject(new TypeError(`ctx.history({ ${key} }): ${key} must be a message id (a non-empty string)`));
    }
  }
  if (!adapter.history || !adapter.capabilities.has('history')) return Promise.reject(new NotSupportedError(adapter.platform, 'history'));
  const query = { limit, ...(options.thread ? { thread: options.thread } : {}), ...(options.before ? { before: options.before } : {}), ...(signal ? { signal } : {}) };
  return outbound.run(adapter, 'history', conversation, (a) => a.history!(conversation, query), signal ? { signal } : undefined);
}
