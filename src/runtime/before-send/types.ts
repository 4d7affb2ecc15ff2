/**
 * What one before-send decision looked like, for logs, the runtime's `decided` event, metrics and
 * (later) the console's inspector: every handler that ran, what it said, how long it took.
 */
import type { ConversationRef, PlatformName, PreSendVerdict, UserRef } from '../../adapters/adapter.ts';

/** How one handler ended. `skipped`: the budget was gone before its turn. */
export type BeforeSendRunResult = 'allow' | 'reject' | 'rewrite' | 'timeout' | 'error' | 'skipped';

export interface BeforeSendRun {
  bot: string;
  handler: string;
  /** Wall time of the handler, in ms. */
  ms: number;
  result: BeforeSendRunResult;
  /** The reject reason, or what the handler threw. */
  detail?: string;
}

export type BeforeSendPolicy = 'failOpen' | 'failClosed';

export interface BeforeSendOutcome {
  /** The platform's id of the call (Stream's X-Webhook-Id) or a generated one. */
  id: string;
  platform: PlatformName;
  conversation: ConversationRef;
  sender: UserRef;
  /** The message id when the platform already knows it (client-chosen ids, edits). */
  messageId?: string;
  /** The text as the sender wrote it. */
  text: string;
  verdict: PreSendVerdict;
  runs: BeforeSendRun[];
  /** Wall time of the whole decision, in ms. */
  ms: number;
  budgetMs: number;
  /** Set when the policy decided: the budget ran out, or a handler threw. */
  policyApplied?: { policy: BeforeSendPolicy; because: 'budget' | 'error' };
  /** Why no handler ran at all, when none did. */
  skipped?: 'own-message' | 'bot-message' | 'no-handlers';
  /** ISO time the decision was made. */
  at: string;
}
