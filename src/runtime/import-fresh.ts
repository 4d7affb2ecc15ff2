/**
 * Imports a bot file or bot.config.ts (TypeScript or JavaScript) as it is on disk now, bypassing the
 * module cache, so hot reload sees every edit.
 *
 * esbuild bundles the file with its relative imports (packages stay external, so `botyard` and `zod`
 * resolve as usual) into a one-off `.mjs` under `.botyard/cache/` next to the project, which Node
 * imports and botyard deletes. This needs no TypeScript loader hook in the process: a loader thread
 * would cost ~35 MB of memory and start-up time for the lifetime of the runtime.
 *
 * Each bundle carries an inline source map whose paths lead from the cache back to the bot's own files,
 * and Node's source map support is switched on before the import, so stack traces, `check` and the logs
 * name `bots/<file>.ts:line:col`, not the bundle. (Node reads the map when it loads the module, so
 * deleting the bundle afterwards is fine.) `keepSourceMaps: false` (bot.config.ts) switches it back off
 * afterwards if it was off: while it is on Node reads and keeps the source map of every module loaded,
 * and `botyard start` loads the SDKs, express and most of botyard between the config and the bots
 * (stream-chat's map alone is 1.5 MB): ~60 ms of CPU and ~3 MB at start. Errors raised by the config's
 * code still map: its map was read while support was on, and the bots switch it on for good.
 *
 * `botyard` itself stays an import of the package whenever it resolves, from the project, to this very
 * botyard (compiled): the bundle then shares the runtime's module instances instead of carrying a copy.
 * That matters in a checkout, whose tsconfig maps `botyard` to src/: esbuild would otherwise inline all
 * of src/ into every bot and bot.config.ts (bundled, compiled and kept once per file: ~100 ms of CPU and
 * a few MB each at start).
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// Required, not imported: an ESM import of esbuild's CommonJS entry first runs Node's export scanner over
// it (~50 ms of CPU and several MB at every start, Node 20).
const { build, stop } = createRequire(import.meta.url)('esbuild') as typeof import('esbuild');

/** Bundles being built now, and whether the bundler should stop once none is (`releaseBundler`). */
let building = 0;
let releaseWhenIdle = false;

/**
 * Stops esbuild's service, a process of its own that otherwise stays beside the runtime for its whole
 * life (~16 MB resident) once anything was bundled: `botyard start` bundles its bots and config once,
 * at start. Waits for bundles under way; a later `importFresh` starts the service again.
 */
export function releaseBundler(): void {
  releaseWhenIdle = true;
  if (building === 0) stopBundler();
}

function stopBundler(): void {
  releaseWhenIdle = false;
  void stop();
}

/** This botyard's package entry when it runs compiled (dist/index.js); from src/ a path that is never resolved to. */
const OWN_ENTRY = fileURLToPath(new URL('../index.js', import.meta.url));

/**
 * Where one-off bundles go: `.botyard/cache/` in the project that holds the file (the nearest folder
 * with a package.json), so their bare imports resolve from its node_modules, `botyard` included.
 */
function cacheDirFor(file: string): string {
  let dir = path.dirname(path.resolve(file));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) return path.join(process.cwd(), '.botyard', 'cache');
    dir = parent;
  }
  return path.join(dir, '.botyard', 'cache');
}

/** Per cache folder: every bot and bot.config.ts of one project share the answer, so it is worked out once. */
const selfByDir = new Map<string, boolean>();

/** Whether `botyard` imported from `dir` is this running botyard, compiled (then the bundle imports it, not a copy). */
function resolvesToSelf(dir: string): boolean {
  let self = selfByDir.get(dir);
  if (self === undefined) {
    try {
      self = realpathSync(createRequire(path.join(dir, 'index.js')).resolve('botyard')) === realpathSync(OWN_ENTRY);
    } catch {
      self = false; // not resolvable from there, or running from src/ (no dist/index.js beside this file)
    }
    selfByDir.set(dir, self);
  }
  return self;
}

export async function importFresh(file: string, options: { keepSourceMaps?: boolean } = {}): Promise<unknown> {
  const sourceMapsWere = process.sourceMapsEnabled;
  const dir = cacheDirFor(file);
  const out = path.join(dir, `${path.basename(file).replace(/\.[mc]?[jt]s$/, '')}-${randomUUID()}.mjs`);
  building++;
  const result = await build({
    entryPoints: [file],
    // Not written there by esbuild (write: false), but the source map's paths are made relative to it.
    outfile: out,
    bundle: true,
    packages: 'external',
    ...(resolvesToSelf(dir) ? { external: ['botyard', 'botyard/testing'] } : {}),
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    sourcemap: 'inline',
    logLevel: 'silent',
  }).finally(() => {
    if (--building === 0 && releaseWhenIdle) stopBundler();
  });
  const code = result.outputFiles.find((f) => f.path === out)?.text ?? result.outputFiles[0]!.text;
  mkdirSync(dir, { recursive: true });
  writeFileSync(out, code);
  process.setSourceMapsEnabled(true);
  try {
    return await import(pathToFileURL(out).href);
  } catch (err) {
    // A stack is written when first read: read it while the bundle's map still applies.
    void (err as Error | undefined)?.stack;
    throw err;
  } finally {
    rmSync(out, { force: true });
    if (options.keepSourceMaps === false && !sourceMapsWere) process.setSourceMapsEnabled(false);
  }
}
