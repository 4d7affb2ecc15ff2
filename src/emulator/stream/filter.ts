/** A small evaluator for Stream's MongoDB-like filter_conditions and sort, over flat documents. */
type Doc = Record<string, unknown>;

const eq = (a: unknown, b: unknown) => (Array.isArray(a) ? a.some((x) => x === b) : a === b);
const cmp = (a: unknown, b: unknown): number => {
  if (a === b) return 0;
  if (a === undefined || a === null) return -1;
  if (b === undefined || b === null) return 1;
  return (a as number | string) < (b as number | string) ? -1 : 1;
};

function matchOperators(value: unknown, cond: Record<string, unknown>): boolean {
  for (const [op, arg] of Object.entries(cond)) {
    const list = Array.isArray(arg) ? arg : [arg];
    switch (op) {
      case '$eq': if (!eq(value, arg)) return false; break;
      case '$ne': if (eq(value, arg)) return false; break;
      case '$in': if (!list.some((x) => eq(value, x))) return false; break;
      case '$nin': if (list.some((x) => eq(value, x))) return false; break;
      case '$gt': if (!(cmp(value, arg) > 0)) return false; break;
      case '$gte': if (!(cmp(value, arg) >= 0)) return false; break;
      case '$lt': if (!(cmp(value, arg) < 0) || value === undefined) return false; break;
      case '$lte': if (!(cmp(value, arg) <= 0) || value === undefined) return false; break;
      case '$exists': if ((value !== undefined) !== Boolean(arg)) return false; break;
      case '$contains': if (!Array.isArray(value) || !value.includes(arg)) return false; break;
      case '$autocomplete':
      case '$q': if (typeof value !== 'string' || !value.toLowerCase().includes(String(arg).toLowerCase())) return false; break;
      default: throw new Error(`unsupported filter operator ${op}`);
    }
  }
  return true;
}

/** True when `doc` satisfies `filter`. Throws on an unsupported operator so a caller can answer code 4. */
export function matches(doc: Doc, filter: Doc | undefined): boolean {
  if (!filter) return true;
  for (const [key, cond] of Object.entries(filter)) {
    if (key === '$and') { if (!(cond as Doc[]).every((f) => matches(doc, f))) return false; continue; }
    if (key === '$or') { if (!(cond as Doc[]).some((f) => matches(doc, f))) return false; continue; }
    if (key === '$nor') { if ((cond as Doc[]).some((f) => matches(doc, f))) return false; continue; }
    const value = doc[key];
    if (cond !== null && typeof cond === 'object' && !Array.isArray(cond) && Object.keys(cond).every((k) => k.startsWith('$'))) {
      if (!matchOperators(value, cond as Doc)) return false;
    } else if (!eq(value, cond)) return false;
  }
  return true;
}

export type SortSpec = Array<{ field: string; direction: number }>;

export function sortDocs<T>(items: T[], sort: SortSpec | undefined, view: (item: T) => Doc): T[] {
  if (!sort?.length) return items;
  return [...items].sort((a, b) => {
    for (const { field, direction } of sort) {
      const c = cmp(view(a)[field], view(b)[field]);
      if (c !== 0) return direction < 0 ? -c : c;
    }
    return 0;
  });
}
