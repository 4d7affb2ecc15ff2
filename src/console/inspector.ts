/**
 * The event inspector's memory: the last lines (inbound events with what ingest did and which
 * handlers ran; one line per schedule however often it ticks; before-send decisions), and what each
 * line opens to: the normalized event and the platform's raw payload. A streamed reply is one line too,
 * and so are the bot's own ignored updates of one message.
 */
import type { InboundEvent } from '../adapters/adapter.ts';
import type { StreamProgress } from '../context/streaming.ts';
import type { BeforeSendOutcome } from '../runtime/before-send/types.ts';
import type { DispatchOutcome, HandlerRun } from '../runtime/dispatcher.ts';
import type { IngestReason } from '../runtime/ingest.ts';
import type { Runtime } from '../runtime/runtime.ts';
import { decisionEntry, eventEntry, foldTick, ignoredKey, noRunNote, REASONS, scheduleKey, streamEntry, toRuns, type NameResolver } from './inspector-entries.ts';
import type { InspectorDetail, InspectorEntry } from './types.ts';

export type { NameResolver } from './inspector-entries.ts';

export interface Inspector {
  /** Oldest first. */
  entries(): InspectorEntry[];
  detail(id: string): InspectorDetail | undefined;
  /** Adds the platform's own record of a line (the emulator's side of a before-send call). */
  attachRaw(id: string, raw: unknown): void;
  clear(): void;
  /** How many lines it keeps. */
  readonly limit: number;
  /** Called with the entry each time it is created or updated; returns the unsubscribe function. */
  onEntry(listener: (entry: InspectorEntry) => void): () => void;
  close(): void;
}

/** A JSON-safe copy: cycles and functions do not break the detail answer. */
function jsonSafe(value: unknown): unknown {
  const seen = new WeakSet<object>();
  return JSON.parse(
    JSON.stringify(value ?? null, (_k, v: unknown) => {
      if (typeof v === 'bigint') return v.toString();
      if (typeof v === 'function') return undefined;
      if (v && typeof v === 'object') {
        if (seen.has(v)) return '[circular]';
        seen.add(v);
      }
      return v;
    }),
  );
}

export function createInspector(runtime: Runtime, nameOf: NameResolver = () => undefined, limit = 200): Inspector {
  const byId = new Map<string, InspectorEntry>();
  const details = new Map<string, { event: unknown; raw: unknown }>();
  const listeners = new Set<(entry: InspectorEntry) => void>();
  const publish = (entry: InspectorEntry, detail?: { event: unknown; raw: unknown }) => {
    byId.delete(entry.id);
    byId.set(entry.id, entry);
    if (detail) details.set(entry.id, detail);
    while (byId.size > limit) {
      const oldest = byId.keys().next().value!;
      byId.delete(oldest);
      details.delete(oldest);
    }
    for (const l of listeners) l(entry);
  };
  const detailOf = (event: InboundEvent) => {
    const { raw, ...normalized } = event;
    return { event: normalized, raw };
  };

  const onIngested = (event: InboundEvent, outcome: 'accepted' | 'duplicate' | 'ignored', reason?: IngestReason) => {
    const known = byId.get(event.id);
    // A redelivered duplicate must not hide the runs of the first delivery: it is counted on that line.
    if (known && outcome === 'duplicate') return publish({ ...known, redelivered: (known.redelivered ?? 0) + 1 });
    if (outcome === 'ignored') {
      const key = ignoredKey(event);
      const folded = byId.get(key);
      return publish({ ...eventEntry(event, nameOf), id: key, outcome, ...(reason ? { reason: REASONS[reason] } : {}), repeats: (folded?.repeats ?? 0) + 1 }, detailOf(event));
    }
    publish({ ...eventEntry(event, nameOf), ...known, outcome, ...(reason ? { reason: REASONS[reason] } : {}) }, detailOf(event));
  };
  const onDispatched = (event: InboundEvent, runs: HandlerRun[], outcome?: DispatchOutcome) => {
    if (event.type === 'schedule.tick') {
      const key = scheduleKey(event, runs);
      return publish(foldTick(byId.get(key), event, runs, nameOf), detailOf(event));
    }
    const known = byId.get(event.id) ?? eventEntry(event, nameOf);
    const merged = [...(known.runs ?? []).filter((r) => !runs.some((n) => n.bot === r.bot && n.handler === r.handler)), ...toRuns(runs)];
    publish(
      { ...known, runs: merged, bots: [...new Set(merged.map((r) => r.bot))], ...(merged.length ? { note: undefined } : { note: outcome?.dropped ?? noRunNote(event) }) },
      details.has(event.id) ? undefined : detailOf(event),
    );
  };
  const onDecided = (outcome: BeforeSendOutcome) => {
    // No handler ran (the bot's own message, another bot's, no beforeSend anywhere): nothing to show,
    // and every bot reply would add a line.
    if (outcome.skipped) return;
    const entry = decisionEntry(outcome, nameOf);
    publish(entry, { event: outcome, raw: details.get(entry.id)?.raw });
  };
  const onStream = (progress: StreamProgress) => {
    const key = `stream:${progress.eventId}:${progress.bot}`;
    publish(streamEntry(byId.get(key), progress, nameOf), { event: progress, raw: undefined });
  };
  runtime.events.on('ingested', onIngested);
  runtime.events.on('stream', onStream);
  runtime.events.on('dispatched', onDispatched);
  runtime.events.on('decided', onDecided);
  return {
    limit,
    entries: () => [...byId.values()],
    detail(id) {
      const entry = byId.get(id);
      if (!entry) return undefined;
      const d = details.get(id);
      return { entry, event: jsonSafe(d?.event), raw: jsonSafe(d?.raw) };
    },
    attachRaw(id, raw) {
      const d = details.get(id);
      if (d) d.raw = raw;
      // The platform's record may come first (a decision that ran out of time): keep it for the line.
      else details.set(id, { event: undefined, raw });
      if (details.size > 2 * limit) for (const key of details.keys()) if (!byId.has(key)) details.delete(key);
    },
    clear() {
      byId.clear();
      details.clear();
    },
    onEntry(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    close() {
      runtime.events.off('ingested', onIngested);
      runtime.events.off('dispatched', onDispatched);
      runtime.events.off('decided', onDecided);
      runtime.events.off('stream', onStream);
      listeners.clear();
    },
  };
}
