/**
 * The event inspector's memory: the last inbound events (from `runtime.events`), each with what ingest
 * did with it and which bots and handlers ran, how long they took and what failed.
 */
import type { InboundEvent } from '../adapters/adapter.ts';
import type { HandlerRun } from '../runtime/dispatcher.ts';
import type { Runtime } from '../runtime/runtime.ts';
import type { InspectorEntry } from './types.ts';

export interface Inspector {
  /** Oldest first. */
  entries(): InspectorEntry[];
  /** Called with the entry each time it is created or updated; returns the unsubscribe function. */
  onEntry(listener: (entry: InspectorEntry) => void): () => void;
  close(): void;
}

/** Display names for ids the event carries bare (ACS events name users by their long identity). */
export type NameResolver = (platform: string, kind: 'user' | 'conversation', id: string) => string | undefined;

function entryOf(event: InboundEvent, nameOf: NameResolver): InspectorEntry {
  const text = event.message?.text;
  const { platform, id } = event.conversation;
  return {
    id: event.id,
    type: event.type,
    platform: event.platform,
    conversation: `${platform}:${id}`,
    conversationName: event.conversation.name ?? nameOf(platform, 'conversation', id) ?? id,
    sender: event.sender.name ?? nameOf(event.platform, 'user', event.sender.id) ?? event.sender.id,
    ...(event.member ? { member: event.member.name ?? nameOf(event.platform, 'user', event.member.id) ?? event.member.id } : {}),
    ...(text ? { text: text.length > 140 ? `${text.slice(0, 140)}…` : text } : {}),
    at: event.occurredAt,
  };
}

export function createInspector(runtime: Runtime, nameOf: NameResolver = () => undefined, limit = 200): Inspector {
  const byId = new Map<string, InspectorEntry>();
  const listeners = new Set<(entry: InspectorEntry) => void>();
  const publish = (entry: InspectorEntry) => {
    byId.delete(entry.id);
    byId.set(entry.id, entry);
    while (byId.size > limit) byId.delete(byId.keys().next().value!);
    for (const l of listeners) l(entry);
  };
  const onIngested = (event: InboundEvent, outcome: 'accepted' | 'duplicate' | 'ignored') => {
    const known = byId.get(event.id);
    // A redelivered duplicate must not hide the runs of the first delivery.
    publish(known && outcome === 'duplicate' ? { ...known, outcome: known.outcome ?? outcome } : { ...entryOf(event, nameOf), ...known, outcome });
  };
  const onDispatched = (event: InboundEvent, runs: HandlerRun[]) => {
    const known = byId.get(event.id) ?? entryOf(event, nameOf);
    publish({ ...known, runs: [...(known.runs ?? []).filter((r) => !runs.some((n) => n.bot === r.bot && n.handler === r.handler)), ...runs] });
  };
  runtime.events.on('ingested', onIngested);
  runtime.events.on('dispatched', onDispatched);
  return {
    entries: () => [...byId.values()],
    onEntry(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    close() {
      runtime.events.off('ingested', onIngested);
      runtime.events.off('dispatched', onDispatched);
      listeners.clear();
    },
  };
}
