/**
 * The fault grammar shared by `botyard emulator --fault`, `botyard dev --fault`, `botyard emulator fault`
 * and the emulators' admin routes:
 *
 *   rules  = rule { ',' rule }
 *   rule   = platform ':' target ':' effect [ 'x' count | '@' percent '%' ]
 *   platform = 'stream' | 'acs'
 *   target = an operation (alias like `send`, or its name: `SendMessage`, `messages.send`) | '*'
 *          | 'webhook' (Stream deliveries) | 'eventgrid' (ACS Event Grid deliveries) | 'hook' (Stream before-send hook)
 *   effect = '429' | a 5xx status | 'slow' duration | 'dup' | 'reorder' | 'redeliver' | 'timeout'
 *   duration = digits ('ms' | 's')
 *
 * Examples: `stream:send:429x3` (the next 3 sends answer 429), `acs:list:503@20%` (a fifth of listMessages
 * calls answer 503 until cleared), `stream:*:slow2s`, `stream:webhook:dupx5`, `acs:eventgrid:redeliver`.
 * Which targets take which effects is each platform's business (stream/fault-rules.ts, acs/fault-rules.ts).
 */
import { BotyardError } from '../errors.ts';

export type FaultEffect =
  | { kind: 'status'; status: number }
  | { kind: 'slow'; ms: number }
  | { kind: 'dup' }
  | { kind: 'reorder' }
  | { kind: 'redeliver' }
  | { kind: 'timeout' };

export interface FaultRule {
  platform: 'stream' | 'acs';
  target: string;
  effect: FaultEffect;
  /** `xN`: apply to the next N calls or events. */
  count?: number;
  /** `@N%`: apply to that share of calls until cleared. */
  percent?: number;
  /** The rule as written, for messages and listings. */
  text: string;
}

export const FAULT_GRAMMAR = "platform:target:effect[xN|@N%], e.g. 'stream:send:429x3', 'acs:list:503@20%', 'stream:*:slow2s', 'stream:webhook:dupx5', 'acs:eventgrid:redeliver'";

export class FaultSpecError extends BotyardError {
  constructor(rule: string, why: string) {
    super('FAULT_SPEC', `fault '${rule}': ${why}. Write ${FAULT_GRAMMAR}.`);
  }
}

function parseEffect(rule: string, text: string): FaultEffect {
  if (/^\d{3}$/.test(text)) {
    const status = Number(text);
    if (status !== 429 && (status < 500 || status > 599)) throw new FaultSpecError(rule, `status ${status} is not 429 or 5xx`);
    return { kind: 'status', status };
  }
  const slow = /^slow(\d+)(ms|s)$/.exec(text);
  if (slow) return { kind: 'slow', ms: Number(slow[1]) * (slow[2] === 's' ? 1000 : 1) };
  if (text === 'dup' || text === 'reorder' || text === 'redeliver' || text === 'timeout') return { kind: text };
  throw new FaultSpecError(rule, `unknown effect '${text}' (use 429, 500-599, slow<N>ms|s, dup, reorder, redeliver or timeout)`);
}

function parseRule(text: string): FaultRule {
  const parts = text.split(':');
  if (parts.length !== 3 || parts.some((p) => !p)) throw new FaultSpecError(text, 'it needs three parts separated by ":"');
  const [platform, target, tail] = parts as [string, string, string];
  if (platform !== 'stream' && platform !== 'acs') throw new FaultSpecError(text, `unknown platform '${platform}' (stream or acs)`);
  const m = /^(.+?)(?:x(\d+)|@(\d+(?:\.\d+)?)%)?$/.exec(tail)!;
  const effect = parseEffect(text, m[1]!);
  const rule: FaultRule = { platform, target, effect, text };
  if (m[2] !== undefined) {
    rule.count = Number(m[2]);
    if (rule.count < 1) throw new FaultSpecError(text, 'a count must be at least 1');
  }
  if (m[3] !== undefined) {
    rule.percent = Number(m[3]);
    if (rule.percent <= 0 || rule.percent > 100) throw new FaultSpecError(text, 'a percentage must be above 0 and at most 100');
  }
  return rule;
}

/**
 * Refuses a rule that asks for a share of calls (`@N%`) where the target counts (`what` says what it
 * does instead): a share silently taken as one call would make a test believe in a fault it never got.
 */
export function refuseShare(rule: FaultRule, what: string): void {
  if (rule.percent !== undefined) throw new FaultSpecError(rule.text, `@${rule.percent}% does not apply here: ${what}`);
}

/** Refuses a count (`xN`) where the fault lasts until cleared. */
export function refuseCount(rule: FaultRule, what: string): void {
  if (rule.count !== undefined) throw new FaultSpecError(rule.text, `x${rule.count} does not apply here: ${what}`);
}

/** Parses one or more comma-separated rules; throws FaultSpecError naming the bad rule and the grammar. */
export function parseFaults(spec: string): FaultRule[] {
  const rules = spec.split(',').map((s) => s.trim()).filter(Boolean);
  if (rules.length === 0) throw new FaultSpecError(spec, 'no rule given');
  return rules.map(parseRule);
}

/** How an emulator names its operations, for `ruleOperation`. */
export interface OperationNames {
  /** Short names a bot author thinks in → the emulator's operation names. */
  aliases: Record<string, string>;
  /** What an operation name looks like on this platform (a target matching neither is refused). */
  shape: RegExp;
  /** The refusal's text for a target that is no operation: what the platform's targets are. */
  unknown(target: string): string;
}

/** The operation a rule targets: `*`, an alias, or an operation name of the platform's shape. */
export function ruleOperation(rule: FaultRule, names: OperationNames): string {
  if (rule.target === '*') return '*';
  const op = names.aliases[rule.target] ?? rule.target;
  if (!names.shape.test(op)) throw new FaultSpecError(rule.text, names.unknown(rule.target));
  return op;
}

/** How long a `timeout` answer waits: well past the SDKs' own request timeouts. */
export const FAULT_TIMEOUT_MS = 30_000;

/**
 * A slow or timeout rule on an operation: the delay it sets (every call, until cleared, so neither a
 * count nor a share means anything), or undefined when the rule is neither.
 */
export function operationDelayMs(rule: FaultRule): number | undefined {
  const { effect } = rule;
  if (effect.kind !== 'slow' && effect.kind !== 'timeout') return undefined;
  refuseShare(rule, `${effect.kind} on an operation delays every call until cleared`);
  refuseCount(rule, `${effect.kind} on an operation delays every call until cleared`);
  return effect.kind === 'slow' ? effect.ms : FAULT_TIMEOUT_MS;
}
