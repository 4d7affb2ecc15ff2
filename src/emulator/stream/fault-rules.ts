/**
 * Applies parsed fault rules (fault-spec.ts) to the Stream emulator's knobs. Targets: an operation (alias
 * or Stream's operation id, `*` for all), `webhook` (deliveries) or `hook` (the before-send hook call).
 */
import { FaultSpecError, operationDelayMs, refuseCount, refuseShare, ruleOperation, type FaultRule, type OperationNames } from '../fault-spec.ts';
import type { Faults } from './faults.ts';

/** Short names for the operations a bot author thinks in; any operation id (`SendMessage`) works too. */
export const STREAM_FAULT_ALIASES: Record<string, string> = {
  send: 'SendMessage',
  edit: 'UpdateMessage',
  patch: 'UpdateMessagePartial',
  delete: 'DeleteMessage',
  get: 'GetMessage',
  react: 'SendReaction',
  read: 'MarkRead',
  typing: 'SendEvent',
  event: 'SendEvent',
  channel: 'UpdateChannel',
  query: 'GetOrCreateChannel',
  channels: 'QueryChannels',
  users: 'UpdateUsers',
  ban: 'Ban',
  flag: 'Flag',
};

const NAMES: OperationNames = {
  aliases: STREAM_FAULT_ALIASES,
  shape: /^[A-Z][A-Za-z]+$/,
  unknown: (target) => `unknown Stream target '${target}' (an operation id like SendMessage, one of ${Object.keys(STREAM_FAULT_ALIASES).join(', ')}, *, webhook or hook)`,
};

/** Applies one rule; returns what it did, in words. Throws FaultSpecError for a combination that means nothing. */
export function applyStreamFault(faults: Faults, rule: FaultRule): string {
  const { effect } = rule;
  if (rule.target === 'webhook') {
    refuseShare(rule, 'webhook faults apply to the next N events (xN), or, for slow, to every delivery until cleared');
    if (effect.kind === 'dup') {
      faults.duplicateWebhooks(rule.count ?? 1);
      return `the next ${rule.count ?? 1} webhook events are delivered twice`;
    }
    if (effect.kind === 'reorder') {
      faults.reorderWebhooks(rule.count ?? 2);
      return `the next ${rule.count ?? 2} webhook events are delivered out of order`;
    }
    if (effect.kind === 'slow') {
      refuseCount(rule, 'webhook slow<N> delays every delivery until cleared');
      faults.delayWebhooks(effect.ms);
      return `webhook deliveries wait ${effect.ms} ms`;
    }
    throw new FaultSpecError(rule.text, 'webhook takes dup, reorder or slow<N>ms|s (a failing receiver is your own endpoint answering 5xx)');
  }
  if (rule.target === 'hook') {
    refuseShare(rule, 'hook faults apply to the next N before-send calls (xN, default 1)');
    const count = rule.count ?? 1;
    const spec = effect.kind === 'slow' ? { delayMs: effect.ms } : effect.kind === 'status' ? { status: effect.status } : effect.kind === 'timeout' ? { timeout: true } : undefined;
    if (!spec) throw new FaultSpecError(rule.text, 'hook takes slow<N>ms|s, a status or timeout');
    faults.hookFault({ ...spec, count });
    return `the next ${count} before-send hook calls ${effect.kind === 'slow' ? `answer after ${effect.ms} ms` : effect.kind === 'status' ? `fail with ${effect.status}` : 'time out'}`;
  }
  const op = ruleOperation(rule, NAMES);
  if (effect.kind === 'status') {
    if (rule.percent !== undefined) {
      faults.failRate(op, { rate: rule.percent / 100, status: effect.status });
      return `${rule.percent}% of ${op} calls answer ${effect.status} until cleared`;
    }
    faults.failNext(op, { status: effect.status, count: rule.count ?? 1 });
    return `the next ${rule.count ?? 1} ${op} calls answer ${effect.status}`;
  }
  const ms = operationDelayMs(rule);
  if (ms !== undefined) {
    faults.delay(op, ms);
    return `${op} answers after ${ms} ms until cleared`;
  }
  throw new FaultSpecError(rule.text, `${effect.kind} applies to webhook deliveries, not to an operation`);
}
