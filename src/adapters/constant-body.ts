/**
 * Webhook answers that never change (`{ ok: true, result: 'accepted' }`), frozen and serialized once.
 * Nearly every delivery gets one of a few such answers, and JSON.stringify of even that small object
 * cost each webhook ~1 µs on the fast path (src/server/webhook-route.ts), more than the rest of writing it.
 */
const serialized = new WeakMap<object, string>();

/** Freezes `body` (a flat object of primitives) and remembers its JSON for `bodyJson`. */
export function constantBody<T extends object>(body: T): Readonly<T> {
  serialized.set(Object.freeze(body), JSON.stringify(body));
  return body;
}

/** The JSON text of an answer body: remembered for a constant one, else serialized now; '' for none. */
export function bodyJson(body: unknown): string {
  if (body === undefined) return '';
  return (typeof body === 'object' && body !== null && serialized.get(body)) || JSON.stringify(body);
}
