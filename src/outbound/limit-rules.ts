/**
 * Which limit paces a call: the one bot.config.ts sets, else the one the platform reported in its
 * X-RateLimit-Limit header, else the documented default (limits.ts). Kinds that share a platform limit
 * (their `group`) are paced by that kind's rule and share its key.
 */
import type { ConversationRef, PlatformName } from '../adapters/adapter.ts';
import { defaultLimits, type CallKind, type KindLimit, type PlatformLimits } from './limits.ts';

export interface LimitRule {
  /** The kind whose limit applies (the group's). */
  kind: CallKind;
  limit: KindLimit;
  /** Set in bot.config.ts: the platform's headers neither change it nor pause it. */
  configured: boolean;
}

export interface LimitRules {
  /** The rule for `kind` on `platform`; undefined when nothing limits it. */
  ruleFor(platform: PlatformName, kind: CallKind): LimitRule | undefined;
  /** The counter a call belongs to: per platform and kind, and per conversation where the platform limits per thread. */
  keyFor(platform: PlatformName, rule: LimitRule, conversation: ConversationRef): string;
  /** The platform said its limit for `kind` is `perMinute`: it replaces the default (never a configured limit). True when it changed. */
  learn(platform: PlatformName, kind: CallKind, perMinute: number): boolean;
}

export function createLimitRules(configured: Partial<Record<PlatformName, PlatformLimits>> = {}): LimitRules {
  const learned = new Map<string, KindLimit>();
  const groupOf = (platform: PlatformName, kind: CallKind) => defaultLimits[platform][kind]?.group ?? configured[platform]?.[kind]?.group ?? kind;
  return {
    ruleFor(platform, kind) {
      const group = groupOf(platform, kind);
      const own = configured[platform]?.[group];
      if (own) return { kind: group, limit: own, configured: true };
      const limit = learned.get(`${platform}:${group}`) ?? defaultLimits[platform][group];
      return limit ? { kind: group, limit, configured: false } : undefined;
    },
    keyFor(platform, rule, conversation) {
      return rule.limit.scope === 'conversation' ? `${platform}:${rule.kind}:${conversation.id}` : `${platform}:${rule.kind}`;
    },
    learn(platform, kind, perMinute) {
      const group = groupOf(platform, kind);
      const base = defaultLimits[platform][group];
      if (configured[platform]?.[group] || !base || !(perMinute > 0)) return false;
      const key = `${platform}:${group}`;
      const current = learned.get(key) ?? base;
      // The header speaks of the platform's one-minute window (Stream's X-RateLimit-Limit).
      if (current.limit === perMinute && current.windowMs === 60_000) return false;
      const { burst: _burst, ...rest } = base;
      learned.set(key, { ...rest, limit: perMinute, windowMs: 60_000 });
      return true;
    },
  };
}
