/**
 * What became of the spans this process recorded: exported, lost to a failed export (the collector
 * refused them or could not be reached), or dropped before export because the export queue was full.
 * Kept here, apart from the SDK (export-health.ts counts, /metrics reads), so that reading it loads no
 * OpenTelemetry SDK in a process that does not trace.
 */

export interface SpanTally {
  exported: number;
  exportFailed: number;
  dropped: number;
}

const tally: SpanTally = { exported: 0, exportFailed: 0, dropped: 0 };

/** The counts since the process started (they only grow). */
export const spanTally = (): Readonly<SpanTally> => tally;

/** Adds to one count (export-health.ts). */
export function countSpans(outcome: keyof SpanTally, n: number): void {
  tally[outcome] += n;
}
