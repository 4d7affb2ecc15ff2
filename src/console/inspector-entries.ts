/**
 * How the inspector writes its lines: an inbound event (with why it was ignored, or why no handler
 * ran), a schedule's ticks folded into one line, a before-send decision with its timings.
 */
import type { InboundEvent } from '../adapters/adapter.ts';
import type { StreamProgress } from '../context/streaming.ts';
import type { BeforeSendOutcome } from '../runtime/before-send/types.ts';
import type { HandlerRun } from '../runtime/dispatcher.ts';
import type { IngestReason } from '../runtime/ingest.ts';
import type { InspectorEntry, InspectorRun } from './types.ts';

/** Display names for ids the event carries bare (ACS events name users by their long identity). */
export type NameResolver = (platform: string, kind: 'user' | 'conversation', id: string) => string | undefined;

export const REASONS: Record<IngestReason, string> = {
  'own-message': "the bot's own message: bots never handle what they sent",
  'own-reaction': "the bot's own reaction",
  'own-membership': "the bot's own membership change",
  'own-event': 'caused by the bot itself',
  'already-accepted': 'delivered again: an event with this id was already accepted (dedupe)',
};

const clip = (text: string | undefined) => (text && text.length > 140 ? `${text.slice(0, 140)}…` : text);

export function eventEntry(event: InboundEvent, nameOf: NameResolver): InspectorEntry {
  const text = clip(event.message?.text);
  const { platform, id } = event.conversation;
  // Who it happened to: the member added or removed, the user banned or muted.
  const target = event.member ?? event.moderation?.target;
  return {
    id: event.id,
    kind: 'event',
    type: event.type,
    platform: event.platform,
    conversation: `${platform}:${id}`,
    conversationName: event.conversation.name ?? nameOf(platform, 'conversation', id) ?? id,
    sender: event.sender.name ?? nameOf(event.platform, 'user', event.sender.id) ?? event.sender.id,
    ...(target ? { member: target.name ?? nameOf(event.platform, 'user', target.id) ?? target.id } : {}),
    ...(text ? { text } : {}),
    at: event.occurredAt,
    bots: [],
  };
}

/** Why nothing ran for an event that was handed to the bots. */
export function noRunNote(event: InboundEvent): string {
  if (event.sender.isBot && event.type.startsWith('message.')) {
    return "from a bot: bots skip other bots' messages unless they register with acceptBotMessages";
  }
  return 'no handler matched';
}

/** The key a schedule's ticks fold under: one line per schedule, not one per tick. */
export function scheduleKey(event: InboundEvent, runs: HandlerRun[]): string {
  const name = (event.raw as { schedule?: string } | undefined)?.schedule ?? event.id;
  return `schedule:${runs[0]?.bot ?? '?'}:${name}`;
}

export function foldTick(previous: InspectorEntry | undefined, event: InboundEvent, runs: HandlerRun[], nameOf: NameResolver): InspectorEntry {
  const raw = event.raw as { schedule?: string; cron?: string } | undefined;
  const failed = runs.some((r) => r.error);
  // A schedule without a target runs against a placeholder conversation: show no conversation at all.
  const targeted = event.conversation.platform !== 'local' || !event.conversation.id.startsWith('(no target');
  const { conversation: _c, conversationName: _n, sender: _s, ...base } = eventEntry(event, nameOf);
  return {
    ...base,
    ...(targeted ? { conversation: _c, conversationName: _n } : { platform: 'none' }),
    id: scheduleKey(event, runs),
    kind: 'schedule',
    text: `${raw?.schedule ?? 'schedule'} (${raw?.cron ?? '?'})`,
    runs,
    bots: [...new Set(runs.map((r) => r.bot))],
    ticks: (previous?.ticks ?? 0) + 1,
    failedTicks: (previous?.failedTicks ?? 0) + (failed ? 1 : 0),
  };
}

export function decisionEntry(outcome: BeforeSendOutcome, nameOf: NameResolver): InspectorEntry {
  const { platform, id } = outcome.conversation;
  const runs: InspectorRun[] = outcome.runs.map((r) => ({ bot: r.bot, handler: r.handler, ms: r.ms, result: r.result, ...(r.detail ? { detail: r.detail } : {}) }));
  const verdict = outcome.verdict;
  return {
    id: `before-send:${outcome.id}`,
    kind: 'decision',
    type: 'before-send',
    platform: outcome.platform,
    conversation: `${platform}:${id}`,
    conversationName: outcome.conversation.name ?? nameOf(platform, 'conversation', id) ?? id,
    sender: outcome.sender.name ?? nameOf(outcome.platform, 'user', outcome.sender.id) ?? outcome.sender.id,
    ...(outcome.text ? { text: clip(outcome.text)! } : {}),
    at: outcome.at,
    runs,
    bots: [...new Set(runs.map((r) => r.bot))],
    decision: {
      verdict: verdict.action,
      ms: outcome.ms,
      budgetMs: outcome.budgetMs,
      ...(verdict.action === 'reject' ? { notice: verdict.notice } : {}),
      ...(outcome.policyApplied ? { policy: `${outcome.policyApplied.policy} (${outcome.policyApplied.because === 'budget' ? 'out of budget' : 'a handler threw'})` } : {}),
      ...(outcome.skipped ? { skipped: outcome.skipped } : {}),
    },
  };
}

/**
 * Where an ignored event folds: the bot's own events about one message (a streamed reply's partial
 * updates) or one conversation (its AI indicator) make one line, not one per update.
 */
export function ignoredKey(event: InboundEvent): string {
  const about = event.message?.id ?? (event.raw as { message_id?: unknown } | undefined)?.message_id ?? `${event.conversation.platform}:${event.conversation.id}`;
  return `ignored:${event.type}:${String(about)}`;
}

/** One line per streamed reply, updated at each step. */
export function streamEntry(previous: InspectorEntry | undefined, p: StreamProgress, nameOf: NameResolver): InspectorEntry {
  const { platform, id } = p.conversation;
  const before = previous?.stream ?? { states: [], updates: 0, chars: 0, startedAt: new Date().toISOString() };
  const states = p.phase === 'indicator' && p.state && before.states.at(-1) !== p.state ? [...before.states, p.state] : before.states;
  const text = p.text ?? previous?.text;
  return {
    id: `stream:${p.eventId}:${p.bot}`,
    kind: 'stream',
    type: 'ctx.stream',
    platform,
    conversation: `${platform}:${id}`,
    conversationName: p.conversation.name ?? nameOf(platform, 'conversation', id) ?? id,
    sender: p.bot,
    ...(text ? { text: text.length > 140 ? `…${text.slice(-140)}` : text } : {}),
    at: new Date().toISOString(),
    bots: [p.bot],
    stream: {
      ...before,
      states,
      updates: before.updates + (p.phase === 'update' ? 1 : 0),
      chars: p.text?.length ?? before.chars,
      ...(p.outcome ? { outcome: p.outcome } : {}),
      ...(p.messageId ? { messageId: p.messageId } : {}),
    },
  };
}

/** Handler runs as the inspector shows them. */
export const toRuns = (runs: HandlerRun[]): InspectorRun[] => runs.map((r) => ({ ...r }));
