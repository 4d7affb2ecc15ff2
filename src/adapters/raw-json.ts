/**
 * The exact JSON text a platform payload was parsed from, remembered beside the parsed object so that a
 * durable queue can store the event without serializing the payload again: it is most of the event, and
 * stringifying plus encoding it cost more CPU per webhook than the rest of the Redis enqueue.
 *
 * Only for a payload nobody changes after parsing (`event.raw` is the platform's payload, read-only by
 * contract): the remembered bytes must stay what `JSON.stringify(raw)` would give, up to key spacing.
 */

/**
 * Kept on the payload itself, under a symbol and not enumerable: JSON, spreads, `Object.keys` and
 * deep-equality checks never see it, a copy of the payload does not carry it, and, unlike the WeakMap
 * this was, it costs neither a hash-table insert nor the garbage collector's ephemeron pass per webhook.
 */
const RAW_JSON = Symbol('botyard.rawJson');

/** Records that `parsed` is exactly `JSON.parse(text)`. */
export function rememberRawJson(parsed: object, text: Buffer): void {
  Object.defineProperty(parsed, RAW_JSON, { value: text, configurable: true });
}

/** The JSON text `parsed` came from, if an adapter recorded it. */
export function rawJsonOf(parsed: unknown): Buffer | undefined {
  return parsed && typeof parsed === 'object' ? (parsed as { [RAW_JSON]?: Buffer })[RAW_JSON] : undefined;
}
