/**
 * Checks one JSON value against an OpenAPI 3 / Swagger 2 schema and lists every mismatch. Small on
 * purpose: required fields, JSON types, nullability, enums, date-times, arrays, objects, $ref and allOf /
 * oneOf / anyOf. Extra fields are listed too (the wire flattens custom data, so they are expected).
 */

export type Json = Record<string, unknown>;

/** How bad a mismatch is: `fail` breaks the test, `report` is printed (a known or harmless deviation). */
export type Verdict = 'fail' | 'report';

export interface Mismatch {
  /** JSON path in the body, e.g. `message.user.language`. */
  field: string;
  /** What the spec says (`required string`, `enum a|b`, `no such field`). */
  spec: string;
  /** What the emulator sent. */
  emulator: string;
  /** `optional-null`: null in a field the spec makes optional and not nullable (Stream sends `pinned_at: null`). */
  kind: 'missing' | 'type' | 'null' | 'optional-null' | 'enum' | 'format' | 'extra' | 'status' | 'route';
}

/** Resolves a `$ref` seen while reading schema `from` into the schema it names. */
export type Resolve = (ref: string, from: Json) => Json;

const show = (v: unknown): string => {
  const text = JSON.stringify(v);
  return text === undefined ? 'undefined' : text.length > 60 ? `${text.slice(0, 57)}...` : text;
};

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function typeMatches(expected: string, v: unknown): boolean {
  const actual = typeOf(v);
  if (expected === 'number') return actual === 'number' || actual === 'integer';
  return expected === actual;
}

/** Fields a schema requires in a response: `required`, plus Azure's "Only required in responses." properties. */
function requiredOf(schema: Json): string[] {
  const req = new Set((schema.required as string[] | undefined) ?? []);
  for (const [k, p] of Object.entries((schema.properties as Record<string, Json> | undefined) ?? {})) {
    if (typeof p.description === 'string' && /only required in responses/i.test(p.description)) req.add(k);
  }
  return [...req];
}

export function check(value: unknown, schema: Json, resolve: Resolve, field = '', out: Mismatch[] = [], depth = 0): Mismatch[] {
  if (depth > 12) return out;
  while (typeof schema.$ref === 'string') schema = resolve(schema.$ref, schema);
  if (Array.isArray(schema.allOf)) {
    const merged: Json = { ...schema, allOf: undefined, properties: { ...(schema.properties as Json) }, required: [...((schema.required as string[]) ?? [])] };
    for (const part of schema.allOf as Json[]) {
      let p = part;
      while (typeof p.$ref === 'string') p = resolve(p.$ref, p);
      Object.assign(merged.properties as Json, p.properties ?? {});
      (merged.required as string[]).push(...((p.required as string[]) ?? []));
      if (p.type && !merged.type) merged.type = p.type;
    }
    return check(value, merged, resolve, field, out, depth);
  }
  const alternatives = (schema.oneOf ?? schema.anyOf) as Json[] | undefined;
  if (alternatives) {
    if (alternatives.some((alt) => check(value, alt, resolve, field, [], depth + 1).every((m) => m.kind === 'extra'))) return out;
    out.push({ field, spec: 'one of its alternatives', emulator: show(value), kind: 'type' });
    return out;
  }
  if (value === null) {
    if (!(schema.nullable === true || schema['x-nullable'] === true)) out.push({ field, spec: `${String(schema.type ?? 'value')}, not nullable`, emulator: 'null', kind: 'null' });
    return out;
  }
  const type = schema.type as string | undefined;
  if (type && !typeMatches(type, value)) {
    out.push({ field, spec: type, emulator: `${typeOf(value)} ${show(value)}`, kind: 'type' });
    return out;
  }
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) {
    out.push({ field, spec: `enum ${schema.enum.map(String).join('|')}`, emulator: show(value), kind: 'enum' });
  }
  if (schema.format === 'date-time' && typeof value === 'string' && Number.isNaN(Date.parse(value))) {
    out.push({ field, spec: 'date-time', emulator: show(value), kind: 'format' });
  }
  if (Array.isArray(value) && schema.items) {
    value.forEach((item, i) => check(item, schema.items as Json, resolve, `${field}[${i}]`, out, depth + 1));
  }
  if (typeOf(value) === 'object' && (schema.properties || schema.additionalProperties || type === 'object')) {
    const obj = value as Json;
    const props = (schema.properties as Record<string, Json> | undefined) ?? {};
    const at = (k: string) => (field ? `${field}.${k}` : k);
    const required = requiredOf(schema);
    for (const k of required) {
      if (!(k in obj)) out.push({ field: at(k), spec: `required ${String(props[k]?.type ?? (props[k]?.$ref ? String(props[k]!.$ref).split('/').pop() : 'field'))}`, emulator: 'absent', kind: 'missing' });
    }
    for (const [k, v] of Object.entries(obj)) {
      if (v === null && props[k] && !required.includes(k)) {
        let p = props[k]!;
        while (typeof p.$ref === 'string') p = resolve(p.$ref, p);
        if (!(p.nullable === true || p['x-nullable'] === true)) out.push({ field: at(k), spec: `optional ${String(p.type ?? 'value')}, not nullable`, emulator: 'null', kind: 'optional-null' });
        continue;
      }
      if (props[k]) check(v, props[k]!, resolve, at(k), out, depth + 1);
      else if (schema.additionalProperties && typeof schema.additionalProperties === 'object') check(v, schema.additionalProperties as Json, resolve, at(k), out, depth + 1);
      else if (schema.additionalProperties !== true && Object.keys(props).length) out.push({ field: at(k), spec: 'no such field', emulator: show(v), kind: 'extra' });
    }
  }
  return out;
}
