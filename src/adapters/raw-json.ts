/**
 * The exact JSON text a platform payload was parsed from, remembered beside the parsed object so that a
 * durable queue can store the event without serializing the payload again: it is most of the event, and
 * stringifying plus encoding it cost more CPU per webhook than the rest of the Redis enqueue.
 *
 * Only for a payload nobody changes after parsing (`event.raw` is the platform's payload, read-only by
 * contract): the remembered bytes must stay what `JSON.stringify(raw)` would give, up to key spacing.
 */
const texts = new WeakMap<object, Buffer>();

/** Records that `parsed` is exactly `JSON.parse(text)`. */
export function rememberRawJson(parsed: object, text: Buffer): void {
  texts.set(parsed, text);
}

/** The JSON text `parsed` came from, if an adapter recorded it. */
export function rawJsonOf(parsed: unknown): Buffer | undefined {
  return parsed && typeof parsed === 'object' ? texts.get(parsed) : undefined;
}
