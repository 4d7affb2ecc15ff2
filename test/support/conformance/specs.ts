/**
 * The published specs, read where the team keeps them (`../shared/specs` beside the repository, or
 * BOTYARD_SPECS_DIR): never copied into the project. Finds the operation a request hit and the schema of
 * its answer, resolving `$ref`s within and across files (Swagger 2 for ACS, OpenAPI 3 for Stream).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe } from 'vitest';
import type { Json, Resolve } from './schema.ts';

const repoRoot = resolvePath(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const SPECS_DIR = process.env.BOTYARD_SPECS_DIR ?? resolvePath(repoRoot, '..', 'shared', 'specs');
export const specsPresent = (relative: string) => existsSync(join(SPECS_DIR, relative));

/** `describe` for a conformance suite: skipped with a visible note when the spec is not where the team keeps it. */
export function describeSpec(relative: string, name: string, fn: () => void): void {
  if (specsPresent(relative)) {
    describe(`${name} vs ${relative}`, fn);
    return;
  }
  console.warn(`[botyard tests] no ${relative} under ${SPECS_DIR}: ${name} conformance is SKIPPED. Set BOTYARD_SPECS_DIR to the shared specs folder.`);
  describe.skip(`${name} (skipped: no ${relative} under ${SPECS_DIR})`, fn);
}

export interface Operation {
  id: string;
  /** The spec's path template, e.g. `/channels/{type}/{id}/message`. */
  template: string;
  /** Documented status codes. */
  statuses: string[];
  /** The response schema for a status, or undefined when the spec gives no body. */
  schema(status: number): Json | undefined;
}

export interface Spec {
  find(method: string, path: string): Operation | undefined;
  resolve: Resolve;
  /** A named schema (`#/components/schemas/X` or `#/definitions/X`) of the main file. */
  named(name: string): Json;
}

export function loadSpec(relative: string): Spec {
  const files = new Map<string, Json>();
  const load = (file: string): Json => {
    let doc = files.get(file);
    if (!doc) {
      doc = JSON.parse(readFileSync(file, 'utf8')) as Json;
      // Remember which file each schema object came from, so relative $refs inside it resolve.
      tag(doc, file);
      files.set(file, doc);
    }
    return doc;
  };
  const mainFile = join(SPECS_DIR, relative);
  const main = load(mainFile);
  const resolve: Resolve = (ref, from) => {
    const [filePart, pointer = ''] = ref.split('#');
    const base = (from[FILE] as string | undefined) ?? mainFile;
    const doc = filePart ? load(resolvePath(dirname(base), filePart)) : load(base);
    let node: unknown = doc;
    for (const key of pointer.split('/').filter(Boolean)) node = (node as Json)[key.replace(/~1/g, '/').replace(/~0/g, '~')];
    if (!node) throw new Error(`conformance: cannot resolve ${ref} from ${base}`);
    return node as Json;
  };
  const ops: Array<Operation & { method: string; re: RegExp; literals: number }> = [];
  for (const [template, byMethod] of Object.entries(main.paths as Record<string, Record<string, Json>>)) {
    for (const [method, op] of Object.entries(byMethod)) {
      if (method === 'parameters') continue;
      const responses = op.responses as Record<string, Json>;
      const source = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, '([^/]+)');
      ops.push({
        id: String(op.operationId),
        method: method.toUpperCase(),
        template,
        re: new RegExp(`^${source}$`),
        literals: template.split('/').filter((s) => s && !s.startsWith('{')).length,
        statuses: Object.keys(responses),
        schema(status) {
          // An error status the spec does not list is still checked against its error envelope.
          const firstError = Object.keys(responses).find((k) => Number(k) >= 400);
          const r = responses[String(status)] ?? (status >= 400 ? responses.default ?? (firstError ? responses[firstError] : undefined) : undefined);
          if (!r) return undefined;
          const content = r.content as Record<string, { schema?: Json }> | undefined;
          return content ? content['application/json']?.schema : (r.schema as Json | undefined);
        },
      });
    }
  }
  // The most literal template wins: POST /channels/messaging/query is GetOrCreateDistinctChannel, not UpdateChannel.
  ops.sort((a, b) => b.literals - a.literals);
  return {
    find: (method, path) => ops.find((o) => o.method === method.toUpperCase() && o.re.test(path)),
    resolve,
    named: (name) => resolve(main.openapi ? `#/components/schemas/${name}` : `#/definitions/${name}`, main),
  };
}

const FILE = Symbol.for('botyard.spec.file') as unknown as string;

function tag(node: unknown, file: string): void {
  if (!node || typeof node !== 'object') return;
  Object.defineProperty(node, FILE, { value: file, enumerable: false });
  for (const v of Object.values(node as Json)) tag(v, file);
}
