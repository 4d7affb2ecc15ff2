/**
 * Default outbound limits, from the platforms' documented rate limits (shared/reference; ACS from
 * learn.microsoft.com "Service limits for Azure Communication Services", Chat → Rate limits):
 * - Stream limits are per app and endpoint per minute (and per second at a thirtieth of that).
 * - ACS limits are per thread, per 10 s and per minute: send, update and delete message share one
 *   (10 per 10 s, 30 per minute); read receipts 10/30 and typing 5/15 per user (the bot) per thread;
 *   add/remove participants 10/30; update thread 5 per 10 s. Read receipts and typing are not
 *   supported in threads of more than 20 participants (large-threads.ts skips them).
 */
import type { PlatformName } from '../adapters/adapter.ts';
import type { BucketLimit } from './token-bucket.ts';

/** The outbound call kinds that get their own limit. */
/** `moderate`: flag, mute, shadow ban, unban (Stream's Flag, Mute, Ban and Unban endpoints share 300/min each). */
export type CallKind = 'send' | 'edit' | 'delete' | 'markRead' | 'typing' | 'ban' | 'members' | 'moderators' | 'react' | 'topic' | 'moderate' | 'aiIndicator' | 'history';

export interface KindLimit extends BucketLimit {
  /** `app`: one limit per platform; `conversation`: one per conversation (ACS's per-thread limits). */
  scope: 'app' | 'conversation';
  /**
   * The kind whose limit this kind shares, when the platform counts them together (ACS: edit and delete
   * count against send's per-thread limit; Stream: moderator changes are UpdateChannel calls, as member changes are).
   */
  group?: CallKind;
  /** A shorter window the platform enforces as well (ACS: 10 per 10 s beside 30 per minute). */
  short?: { limit: number; windowMs: number };
}

export type PlatformLimits = Partial<Record<CallKind, KindLimit>>;

const minute = 60_000;
const perMinute = (limit: number, group?: CallKind): KindLimit => ({ limit, windowMs: minute, scope: 'app', ...(group ? { group } : {}) });
const perThread = (limitPerMinute: number, per10s: number, group?: CallKind): KindLimit => ({
  limit: limitPerMinute,
  windowMs: minute,
  scope: 'conversation',
  short: { limit: per10s, windowMs: 10_000 },
  ...(group ? { group } : {}),
});

export const defaultLimits: Record<PlatformName, PlatformLimits> = {
  stream: {
    send: perMinute(1000),
    edit: perMinute(1000),
    delete: perMinute(1000),
    react: perMinute(1000),
    markRead: perMinute(10_000),
    typing: perMinute(10_000),
    ban: perMinute(300),
    moderate: perMinute(300),
    members: perMinute(300),
    moderators: perMinute(300, 'members'),
    topic: perMinute(300),
    // ctx.stream()/ctx.history(): ai_indicator events are SendEvent calls, as typing is, so they count
    // against typing's limit (Stream limits per endpoint); history reads are channel queries (10,000/min)
    // or GetReplies (1,000/min): the tighter one for both.
    aiIndicator: perMinute(10_000, 'typing'),
    history: perMinute(1000),
  },
  acs: {
    send: perThread(30, 10),
    edit: perThread(30, 10, 'send'),
    delete: perThread(30, 10, 'send'),
    markRead: perThread(30, 10),
    typing: perThread(15, 5),
    members: perThread(30, 10),
    ban: perThread(30, 10, 'members'),
    topic: { limit: 5, windowMs: 10_000, scope: 'conversation' },
    // ctx.history(): list messages allows 50 per 10 s and 200 per minute per user per thread.
    history: perThread(200, 50),
  },
  local: {},
};

type ConfigLimits = Partial<Record<'stream' | 'acs', Partial<Record<CallKind, { perMinute: number; burst?: number | undefined }>>>>;

/**
 * Limits as bot.config.ts writes them (`limits.stream.send.perMinute`): each kind keeps its default
 * scope and group, and its short window scaled by the same factor as the minute's. A kind that shares
 * another's limit (its `group`) is paced by that one.
 */
export function configuredLimits(config: ConfigLimits): Partial<Record<PlatformName, PlatformLimits>> {
  const out: Partial<Record<PlatformName, PlatformLimits>> = {};
  for (const platform of ['stream', 'acs'] as const) {
    for (const [kind, l] of Object.entries(config[platform] ?? {}) as Array<[CallKind, { perMinute: number; burst?: number | undefined }]>) {
      const base = defaultLimits[platform][kind];
      (out[platform] ??= {})[kind] = {
        limit: l.perMinute,
        windowMs: minute,
        scope: base?.scope ?? 'app',
        ...(l.burst ? { burst: l.burst } : {}),
        ...(base?.group ? { group: base.group } : {}),
        // A platform's short window moves with the limit you set (ACS: 10 per 10 s beside 30 per minute): a
        // raised limit left under the default 10 per 10 s would still be paced at that.
        ...(base?.short ? { short: { limit: Math.max(1, Math.round((base.short.limit * l.perMinute) / base.limit)), windowMs: base.short.windowMs } } : {}),
      };
    }
  }
  return out;
}
