/**
 * What became of a traced botyard's spans, from its /metrics (`botyard_trace_spans_total`): a bench
 * that reports tracing's cost must also say whether every recorded span was exported, since spans the
 * SDK dropped from a full queue cost nothing to encode and send.
 */
export interface TraceSpans {
  exported: number;
  exportFailed: number;
  dropped: number;
}

/** `base`: the server's `http://host:port`. */
export async function traceSpansOf(base: string): Promise<TraceSpans> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const read = (outcome: string) => Number(new RegExp(`^botyard_trace_spans_total\\{outcome="${outcome}"\\} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
  return { exported: read('exported'), exportFailed: read('export_failed'), dropped: read('dropped') };
}

/** Between two reads. */
export const spansBetween = (a: TraceSpans, b: TraceSpans): TraceSpans => ({ exported: b.exported - a.exported, exportFailed: b.exportFailed - a.exportFailed, dropped: b.dropped - a.dropped });
