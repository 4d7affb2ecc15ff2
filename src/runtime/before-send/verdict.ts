/**
 * Combining handler decisions: a reject wins, rewrites chain in bot order (each handler sees the
 * message as the ones before it left it), and the policy speaks for handlers that ran out of budget
 * or threw. Pure functions.
 */
import type { Message, PreSendRewrite, PreSendVerdict, Rejection } from '../../adapters/adapter.ts';
import { DEFAULT_REJECT_NOTICE } from '../../context/decision.ts';
import type { BeforeSendPolicy } from './types.ts';

/** The message after a rewrite: what the next handler sees. */
export function applyRewrite(message: Message, changes: PreSendRewrite): Message {
  return {
    ...message,
    ...(changes.text !== undefined ? { text: changes.text } : {}),
    ...(changes.attachments !== undefined ? { attachments: changes.attachments } : {}),
    ...(changes.silent !== undefined ? { silent: changes.silent } : {}),
    ...(changes.data ? { data: { ...message.data, ...changes.data } } : {}),
  };
}

/** Two rewrites as one, the later winning field by field (custom fields merge). */
export function mergeRewrites(earlier: PreSendRewrite, later: PreSendRewrite): PreSendRewrite {
  const data = earlier.data || later.data ? { ...earlier.data, ...later.data } : undefined;
  return { ...earlier, ...later, ...(data ? { data } : {}) };
}

export interface Tally {
  rejections: Rejection[];
  changes: PreSendRewrite;
  /** Set when the policy must decide for a handler that timed out or threw. */
  policyCause?: 'budget' | 'error';
}

/** The verdict for a finished (or abandoned) chain. */
export function finalVerdict(tally: Tally, policy: BeforeSendPolicy, budgetMs: number): PreSendVerdict {
  if (tally.rejections.length) return { action: 'reject', notice: tally.rejections[0]!.notice, rejections: tally.rejections };
  if (tally.policyCause && policy === 'failClosed') {
    const reason = tally.policyCause === 'budget' ? `the beforeSend budget of ${budgetMs} ms ran out` : 'a beforeSend handler threw';
    return { action: 'reject', notice: DEFAULT_REJECT_NOTICE, rejections: [{ by: 'policy', reason: `${reason} (policy failClosed)`, notice: DEFAULT_REJECT_NOTICE }] };
  }
  return Object.keys(tally.changes).length ? { action: 'rewrite', changes: tally.changes } : { action: 'allow' };
}
