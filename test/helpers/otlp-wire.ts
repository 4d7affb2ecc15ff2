/**
 * Reads span names and trace ids out of an OTLP trace export, as a collector would, for tests that check
 * what goes on the wire: JSON (`resourceSpans[].scopeSpans[].spans[]`) or binary protobuf, read with the
 * protobuf wire format itself (ExportTraceServiceRequest: resource_spans = 1 → ResourceSpans.scope_spans
 * = 2 → ScopeSpans.spans = 2 → Span.trace_id = 1, Span.name = 5).
 */
export interface WireSpan {
  name: string;
  traceId: string;
}

/** The length-delimited fields numbered `field` of a protobuf message (other wire types are skipped). */
function fieldsOf(message: Uint8Array, field: number): Uint8Array[] {
  const found: Uint8Array[] = [];
  let at = 0;
  const varint = () => {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = message[at++]!;
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
  };
  while (at < message.length) {
    const key = varint();
    const wire = key & 7;
    if (wire === 0) varint();
    else if (wire === 1) at += 8;
    else if (wire === 5) at += 4;
    else if (wire === 2) {
      const length = varint();
      if (key >>> 3 === field) found.push(message.subarray(at, at + length));
      at += length;
    } else throw new Error(`unexpected protobuf wire type ${wire}`);
  }
  return found;
}

export function spansOfProtobuf(body: Uint8Array): WireSpan[] {
  return fieldsOf(body, 1)
    .flatMap((resource) => fieldsOf(resource, 2))
    .flatMap((scope) => fieldsOf(scope, 2))
    .map((span) => ({ name: Buffer.from(fieldsOf(span, 5)[0] ?? []).toString('utf8'), traceId: Buffer.from(fieldsOf(span, 1)[0] ?? []).toString('hex') }));
}

interface JsonExport {
  resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<{ name: string; traceId: string }> }> }>;
}

export function spansOfJson(body: Uint8Array): WireSpan[] {
  const parsed = JSON.parse(Buffer.from(body).toString('utf8')) as JsonExport;
  return parsed.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans.map((span) => ({ name: span.name, traceId: span.traceId }))));
}
