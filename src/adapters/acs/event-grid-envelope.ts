/**
 * The shape check of an (already authenticated) Event Grid delivery body: the Event Grid schema (a
 * JSON array of `{ id, eventType, subject, data, … }`) or CloudEvents 1.0 (one structured event, or a
 * batch array, `{ specversion: '1.0', id, type, source, subject, data }`). Anything else (`null`,
 * `[null]`, a number, an event without id or type) is a 400: Event Grid does not retry a 400, and a
 * body it would never send must not become a 500 that it retries for a day.
 */

/** One event, whichever schema carried it. */
export interface GridEvent {
  id: string;
  /** `Microsoft.Communication.ChatMessageReceivedInThread` (Event Grid `eventType`, CloudEvents `type`). */
  eventType: string;
  subject?: string;
  data: Record<string, any>;
  schema: 'eventgrid' | 'cloudevents';
}

export const VALIDATION_EVENT = 'Microsoft.EventGrid.SubscriptionValidationEvent';

export type Envelope =
  | { kind: 'invalid'; reason: string }
  | { kind: 'validation'; code: string; url?: string }
  | { kind: 'events'; events: GridEvent[] };

const isObject = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);

function toEvent(raw: unknown, index: number): GridEvent | string {
  const where = `event ${index}`;
  if (!isObject(raw)) return `${where} is ${raw === null ? 'null' : Array.isArray(raw) ? 'an array' : typeof raw}, not an object`;
  if (typeof raw.id !== 'string' || raw.id === '') return `${where} has no string id`;
  const cloud = raw.specversion !== undefined;
  if (cloud && raw.specversion !== '1.0') return `${where} has specversion ${JSON.stringify(raw.specversion)}; only CloudEvents 1.0 is accepted`;
  const type = cloud ? raw.type : raw.eventType;
  if (typeof type !== 'string' || type === '') return `${where} has no ${cloud ? 'type' : 'eventType'}`;
  if (cloud && typeof raw.source !== 'string') return `${where} has no source`;
  if (raw.data !== undefined && !isObject(raw.data)) return `${where} has data that is not an object`;
  return {
    id: raw.id,
    eventType: type,
    ...(typeof raw.subject === 'string' ? { subject: raw.subject } : {}),
    data: raw.data ?? {},
    schema: cloud ? 'cloudevents' : 'eventgrid',
  };
}

/** Parses and checks a delivery body. Never throws. */
export function parseEnvelope(body: Buffer): Envelope {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return { kind: 'invalid', reason: 'the body is not JSON: expected an Event Grid event array or a CloudEvent' };
  }
  const list = Array.isArray(parsed) ? parsed : isObject(parsed) ? [parsed] : undefined;
  if (!list) return { kind: 'invalid', reason: `the body is ${parsed === null ? 'null' : typeof parsed}: expected an event array or a CloudEvent object` };
  if (list.length === 0) return { kind: 'invalid', reason: 'the body is an empty array: expected at least one event' };
  const events: GridEvent[] = [];
  for (const [i, raw] of list.entries()) {
    const event = toEvent(raw, i);
    if (typeof event === 'string') return { kind: 'invalid', reason: event };
    events.push(event);
  }
  const validation = events.find((e) => e.eventType === VALIDATION_EVENT);
  if (validation) {
    if (events.length > 1) return { kind: 'invalid', reason: 'a validation event arrives alone; this array has other events beside it' };
    const { validationCode, validationUrl } = validation.data;
    if (typeof validationCode !== 'string' || validationCode === '') return { kind: 'invalid', reason: 'the validation event has no validationCode' };
    return { kind: 'validation', code: validationCode, ...(typeof validationUrl === 'string' ? { url: validationUrl } : {}) };
  }
  return { kind: 'events', events };
}
