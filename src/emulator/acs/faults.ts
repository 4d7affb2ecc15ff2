import { createGridFaults, type GridFaults } from './grid-faults.ts';
import { AcsHttpError } from './wire.ts';

/** A chosen failure: which operations, how often, and what the answer looks like. */
export interface FaultRule {
  /** Operation name (`messages.list`, `messages.send`, `identity.issueToken`…), a RegExp over it, or every operation. */
  op?: string | RegExp;
  /** Default 429. */
  status?: number;
  /** `Retry-After` in seconds (default 1 for 429/503). Set `null` to leave the header out (the SDK then does not retry a 429). */
  retryAfterSeconds?: number | null;
  /** Fire this many times, then stop (default: until removed). */
  count?: number;
  /** Fire on this share of matching calls, 0–1 (default 1). */
  probability?: number;
  code?: string;
  message?: string;
}

export interface FaultControl {
  /** Adds a rule; returns a function that removes it. */
  add(rule: FaultRule): () => void;
  /** Shortcut: the next `count` calls of `op` answer 429 with Retry-After. */
  throttle(op: string | RegExp, options?: { count?: number; retryAfterSeconds?: number | null }): () => void;
  clear(): void;
  /**
   * The documented per-thread / per-user chat limits (service-limits doc, per 10 s and per minute).
   * `scale` shrinks them for tests (0.1 → a tenth, at least 1).
   */
  limits: { enabled: boolean; scale: number };
  /** How many faults (rules and limits) fired. */
  readonly fired: number;
  /** Answer every call of `op` (`*`: all) `ms` late until cleared (0 removes it). */
  delay(op: string, ms: number): void;
  /** Every rule and delay that is set, one line each (for the admin route and the CLI). */
  describe(): string[];
  /** Faults of Event Grid deliveries: duplicates, redeliveries, reordering. */
  readonly eventGrid: GridFaults;
}

type Scope = 'user' | 'thread' | 'userThread';
type Limit = [group: string, scope: Scope, per10s: number, perMinute?: number];

const LIMITS: Record<string, Limit[]> = {
  'threads.create': [['threads.create', 'user', 10]],
  'threads.delete': [['threads.delete', 'user', 10]],
  'threads.update': [['threads.update', 'thread', 5]],
  'threads.list': [['threads.read', 'user', 50]],
  'threads.get': [['threads.read', 'user', 50]],
  'participants.add': [['participants.write', 'thread', 10, 30]],
  'participants.remove': [['participants.write', 'thread', 10, 30]],
  'participants.list': [['participants.list', 'userThread', 10], ['participants.list', 'thread', 250]],
  'messages.get': [['messages.get', 'userThread', 50], ['messages.get', 'thread', 250]],
  'messages.list': [['messages.list', 'userThread', 50, 200], ['messages.list', 'thread', 250, 400]],
  'messages.send': [['messages.write', 'thread', 10, 30]],
  'messages.update': [['messages.write', 'thread', 10, 30]],
  'messages.delete': [['messages.write', 'thread', 10, 30]],
  'readReceipts.send': [['readReceipts.send', 'userThread', 10, 30]],
  'readReceipts.list': [['readReceipts.list', 'userThread', 5], ['readReceipts.list', 'thread', 100]],
  'typing.send': [['typing', 'userThread', 5, 15], ['typing', 'thread', 10, 30]],
};

export function createFaults(random: () => number = Math.random): FaultControl & {
  check(op: string, callerId: string | undefined, threadId: string | undefined, now: number): AcsHttpError | undefined;
  delayFor(op: string): number;
} {
  const rules = new Set<FaultRule & { left: number }>();
  const delays = new Map<string, number>();
  const eventGrid = createGridFaults();
  const windows = new Map<string, number[]>();
  let fired = 0;
  const limits = { enabled: false, scale: 1 };

  const matches = (rule: FaultRule, op: string) =>
    rule.op === undefined || (typeof rule.op === 'string' ? rule.op === op : rule.op.test(op));

  const ruleError = (rule: FaultRule): AcsHttpError => {
    const status = rule.status ?? 429;
    const retry = rule.retryAfterSeconds === undefined ? (status === 429 || status === 503 ? 1 : null) : rule.retryAfterSeconds;
    const code = rule.code ?? (status === 429 ? 'TooManyRequests' : status === 503 ? 'ServiceUnavailable' : 'Error');
    const message = rule.message ?? (status === 429 ? 'Rate limit exceeded.' : status === 503 ? 'The server is currently unable to handle the request.' : 'Injected fault.');
    return new AcsHttpError(status, code, message, { headers: retry === null ? {} : { 'Retry-After': String(retry) } });
  };

  const limitError = (op: string, caller: string | undefined, thread: string | undefined, now: number): AcsHttpError | undefined => {
    const keys: { key: string; per10s: number; perMinute?: number }[] = [];
    for (const [group, scope, per10s, perMinute] of LIMITS[op] ?? []) {
      if (scope !== 'user' && !thread) continue;
      const id = scope === 'user' ? caller : scope === 'thread' ? thread : `${caller}|${thread}`;
      const scale = (n: number) => Math.max(1, Math.floor(n * limits.scale));
      keys.push({ key: `${group}|${scope}|${id}`, per10s: scale(per10s), perMinute: perMinute === undefined ? undefined : scale(perMinute) });
    }
    let waitMs = 0;
    for (const { key, per10s, perMinute } of keys) {
      const times = (windows.get(key) ?? []).filter((t) => t > now - 60_000);
      windows.set(key, times);
      const last10 = times.filter((t) => t > now - 10_000);
      if (last10.length >= per10s) waitMs = Math.max(waitMs, last10[last10.length - per10s]! + 10_000 - now);
      if (perMinute !== undefined && times.length >= perMinute) waitMs = Math.max(waitMs, times[times.length - perMinute]! + 60_000 - now);
    }
    if (waitMs > 0) return new AcsHttpError(429, 'TooManyRequests', 'Rate limit exceeded.', { headers: { 'Retry-After': String(Math.ceil(waitMs / 1000)) } });
    for (const { key } of keys) windows.get(key)?.push(now) ?? windows.set(key, [now]);
    return undefined;
  };

  return {
    add(rule) {
      const entry = { ...rule, left: rule.count ?? Infinity };
      rules.add(entry);
      return () => void rules.delete(entry);
    },
    throttle(op, options = {}) {
      return this.add({ op, status: 429, count: options.count ?? 1, retryAfterSeconds: options.retryAfterSeconds });
    },
    clear() {
      rules.clear();
      windows.clear();
      delays.clear();
      eventGrid.clear();
    },
    eventGrid,
    delay(op, ms) {
      if (ms > 0) delays.set(op, ms);
      else delays.delete(op);
    },
    delayFor(op) {
      return delays.get(op) ?? delays.get('*') ?? 0;
    },
    describe() {
      const out: string[] = [];
      for (const r of rules) {
        const which = r.op === undefined ? '*' : String(r.op);
        const how = r.probability !== undefined ? `${Math.round(r.probability * 100)}% of calls` : Number.isFinite(r.left) ? `next ${r.left}` : 'every call';
        out.push(`${which}: ${how} answer ${r.status ?? 429}`);
      }
      for (const [op, ms] of delays) out.push(`${op}: answers after ${ms} ms`);
      if (limits.enabled) out.push(`documented chat limits enforced (scale ${limits.scale})`);
      return [...out, ...eventGrid.describe()];
    },
    limits,
    get fired() {
      return fired;
    },
    check(op, callerId, threadId, now) {
      for (const rule of rules) {
        if (!matches(rule, op) || rule.left <= 0) continue;
        if (rule.probability !== undefined && random() >= rule.probability) continue;
        if (--rule.left <= 0) rules.delete(rule);
        fired++;
        return ruleError(rule);
      }
      if (!limits.enabled) return undefined;
      const error = limitError(op, callerId, threadId, now);
      if (error) fired++;
      return error;
    },
  };
}
