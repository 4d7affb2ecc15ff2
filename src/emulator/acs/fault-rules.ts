/**
 * Applies parsed fault rules (fault-spec.ts) to the ACS emulator's knobs. Targets: an operation (alias or
 * the emulator's operation name like `messages.list`, `*` for all) or `eventgrid` (deliveries).
 * 429 and 503 answers carry Retry-After (1 s), which the Azure SDKs need to retry them.
 */
import { FaultSpecError, operationDelayMs, refuseCount, refuseShare, ruleOperation, type FaultRule, type OperationNames } from '../fault-spec.ts';
import type { FaultControl } from './faults.ts';

export const ACS_FAULT_ALIASES: Record<string, string> = {
  send: 'messages.send',
  list: 'messages.list',
  get: 'messages.get',
  edit: 'messages.update',
  delete: 'messages.delete',
  threads: 'threads.list',
  create: 'threads.create',
  topic: 'threads.update',
  read: 'readReceipts.send',
  receipts: 'readReceipts.list',
  typing: 'typing.send',
  participants: 'participants.list',
  add: 'participants.add',
  remove: 'participants.remove',
  token: 'identity.issueToken',
  user: 'identity.create',
};

const NAMES: OperationNames = {
  aliases: ACS_FAULT_ALIASES,
  shape: /^[a-zA-Z]+\.[a-zA-Z]+$/,
  unknown: (target) => `unknown ACS target '${target}' (an operation like messages.send, one of ${Object.keys(ACS_FAULT_ALIASES).join(', ')}, * or eventgrid)`,
};

/** Applies one rule; returns what it did, in words. */
export function applyAcsFault(faults: FaultControl, rule: FaultRule): string {
  const { effect } = rule;
  if (rule.target === 'eventgrid') {
    refuseShare(rule, 'eventgrid faults apply to the next N events (xN)');
    const count = rule.count ?? (effect.kind === 'reorder' ? 2 : 1);
    if (effect.kind === 'dup') faults.eventGrid.duplicate(count);
    else if (effect.kind === 'redeliver') faults.eventGrid.redeliver(count);
    else if (effect.kind === 'reorder') faults.eventGrid.reorder(count);
    else throw new FaultSpecError(rule.text, 'eventgrid takes dup, redeliver or reorder');
    return `the next ${count} Event Grid events: ${effect.kind}`;
  }
  const op = ruleOperation(rule, NAMES);
  if (effect.kind === 'status') {
    const probability = rule.percent !== undefined ? rule.percent / 100 : undefined;
    const count = probability === undefined ? rule.count ?? 1 : undefined;
    faults.add({ ...(op === '*' ? {} : { op }), status: effect.status, ...(count ? { count } : {}), ...(probability !== undefined ? { probability } : {}) });
    return probability !== undefined ? `${rule.percent}% of ${op} calls answer ${effect.status} until cleared` : `the next ${count} ${op} calls answer ${effect.status}`;
  }
  const ms = operationDelayMs(rule);
  if (ms !== undefined) {
    faults.delay(op, ms);
    return `${op} answers after ${ms} ms until cleared`;
  }
  throw new FaultSpecError(rule.text, `${effect.kind} applies to eventgrid deliveries, not to an operation`);
}
