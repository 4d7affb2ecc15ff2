/**
 * Imports a TypeScript (or JavaScript) module from disk, bypassing the module cache, so hot reload
 * sees the file as it is now. tsx's `tsImport` compiles on the fly and scopes its cache to one call.
 */
import { pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';

export async function importFresh(file: string): Promise<unknown> {
  const url = pathToFileURL(file).href;
  return tsImport(`${url}?t=${Date.now()}-${Math.random().toString(36).slice(2)}`, import.meta.url);
}
