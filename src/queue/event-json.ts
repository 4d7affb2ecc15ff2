/**
 * An event as the durable queues store it: JSON, as UTF-8 bytes. When the adapter kept the text its
 * payload was parsed from (adapters/raw-json.ts), `raw` is written from that text rather than
 * serialized again (~15 µs of a Stream webhook's CPU); the result parses to the same event.
 */
import type { InboundEvent } from '../adapters/adapter.ts';
import { rawJsonOf } from '../adapters/raw-json.ts';

/** Throws when the event cannot be encoded (e.g. a BigInt somewhere in it). */
export function eventJson(event: InboundEvent): Buffer {
  const text = rawJsonOf(event.raw);
  if (!text) return Buffer.from(JSON.stringify(event));
  const { raw: _raw, ...rest } = event;
  const head = JSON.stringify(rest);
  return Buffer.concat([Buffer.from(head.length > 2 ? `${head.slice(0, -1)},"raw":` : '{"raw":'), text, CLOSE]);
}

const CLOSE = Buffer.from('}');
