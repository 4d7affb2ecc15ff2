/**
 * An event as the durable queues store it: JSON, as UTF-8 bytes. When the adapter kept the text its
 * payload was parsed from (adapters/raw-json.ts), `raw` is written from that text rather than
 * serialized again (~15 µs of a Stream webhook's CPU); the result parses to the same event.
 */
import type { InboundEvent } from '../adapters/adapter.ts';
import { rawJsonOf } from '../adapters/raw-json.ts';
import type { RespPiece } from './redis-resp.ts';

/**
 * The event's JSON as pieces to be written one after the other (the Redis queue writes them straight
 * into its command: redis-resp.ts). Throws when the event cannot be encoded (e.g. a BigInt in it).
 */
export function eventJsonParts(event: InboundEvent): RespPiece[] {
  const text = rawJsonOf(event.raw);
  if (!text) return [JSON.stringify(event)];
  const head = headJson(event);
  if (head.length <= 2) return ['{"raw":', text, '}'];
  // The head without its closing brace, as a prefix rather than a slice: slicing and appending made a
  // new string that measuring it then flattened, a second copy of ~1.5 KB per event.
  return [{ text: head, bytes: Buffer.byteLength(head) - 1 }, ',"raw":', text, '}'];
}

/**
 * The event's JSON as one string (the SQLite queue's row), `raw` decoded from its remembered text
 * rather than serialized again: in (e)'s profile `JSON.stringify(event)` was ~4% of the process's CPU.
 * Throws when the event cannot be encoded.
 */
export function eventJsonText(event: InboundEvent): string {
  const text = rawJsonOf(event.raw);
  if (!text) return JSON.stringify(event);
  const head = headJson(event);
  const raw = text.toString('utf8');
  return head.length <= 2 ? `{"raw":${raw}}` : `${head.slice(0, -1)},"raw":${raw}}`;
}

/** The event without `raw`, as JSON. */
function headJson(event: InboundEvent): string {
  const { raw: _raw, ...rest } = event;
  return JSON.stringify(rest);
}
