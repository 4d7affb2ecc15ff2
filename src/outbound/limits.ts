/**
 * Default outbound limits, from the platforms' documented rate limits (shared/reference):
 * Stream limits are per app and endpoint per minute; ACS limits are per thread, per 10 s and per minute,
 * so ACS buckets are keyed by conversation and use the tighter of the two as burst and rate.
 */
import type { PlatformName } from '../adapters/adapter.ts';
import type { BucketLimit } from './token-bucket.ts';

/** The outbound call kinds that get their own bucket. */
/** `moderate`: flag, mute, shadow ban, unban (Stream's Flag, Mute, Ban and Unban endpoints share 300/min each). */
export type CallKind = 'send' | 'edit' | 'delete' | 'markRead' | 'typing' | 'ban' | 'members' | 'moderators' | 'react' | 'topic' | 'moderate' | 'aiIndicator' | 'history';

export interface KindLimit extends BucketLimit {
  /** `app`: one bucket per platform; `conversation`: one per conversation (ACS's per-thread limits). */
  scope: 'app' | 'conversation';
}

export type PlatformLimits = Partial<Record<CallKind, KindLimit>>;

const minute = 60_000;
const perMinute = (limit: number, burst?: number): KindLimit => ({ limit, windowMs: minute, scope: 'app', ...(burst ? { burst } : {}) });
const perThread = (limitPerMinute: number, burstPer10s: number): KindLimit => ({ limit: limitPerMinute, windowMs: minute, burst: burstPer10s, scope: 'conversation' });

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
    moderators: perMinute(300),
    topic: perMinute(300),
    // ctx.stream()/ctx.history(): ai_indicator events are SendEvent (10,000/min); history reads are
    // channel queries (10,000/min) or GetReplies (1,000/min): the tighter one for both.
    aiIndicator: perMinute(10_000),
    history: perMinute(1000),
  },
  acs: {
    // send/update/delete message share one documented limit: 10 per 10 s and 30 per minute per thread.
    send: perThread(30, 10),
    edit: perThread(30, 10),
    delete: perThread(30, 10),
    markRead: perThread(30, 10),
    typing: perThread(15, 5),
    members: perThread(30, 10),
    ban: perThread(30, 10),
    topic: perThread(30, 5),
    // ctx.history(): list messages allows 50 per 10 s and 200 per minute per user per thread.
    history: perThread(200, 50),
  },
  local: {},
};

/** Limits as bot.config.ts writes them (`limits.stream.send.perMinute`), made into buckets; each kind keeps its default scope. */
export function configuredLimits(config: Partial<Record<'stream' | 'acs', Partial<Record<CallKind, { perMinute: number; burst?: number | undefined }>>>>): Partial<Record<PlatformName, PlatformLimits>> {
  const out: Partial<Record<PlatformName, PlatformLimits>> = {};
  for (const platform of ['stream', 'acs'] as const) {
    for (const [kind, l] of Object.entries(config[platform] ?? {}) as Array<[CallKind, { perMinute: number; burst?: number | undefined }]>) {
      const scope = defaultLimits[platform][kind]?.scope ?? 'app';
      (out[platform] ??= {})[kind] = { limit: l.perMinute, windowMs: minute, scope, ...(l.burst ? { burst: l.burst } : {}) };
    }
  }
  return out;
}
