/** Reading the console API's input: required strings, the platform named, the conversation a key names. */
import { ConsoleError, type ConsolePlatform } from './platform.ts';
import type { ConsoleVerb } from './types.ts';

/** `v` as a non-empty string, or a 400 naming `what`. */
export function str(v: unknown, what: string): string {
  if (typeof v !== 'string' || !v) throw new ConsoleError(400, `${what} is required`);
  return v;
}

/** `v` when it is a non-empty string, else undefined. */
export const optionalStr = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

export interface Resolver {
  platformOf(name: unknown): ConsolePlatform;
  /** `stream:messaging:general` → the Stream platform and `messaging:general`. */
  target(key: unknown): { platform: ConsolePlatform; id: string };
  /** `platform[method]` when the platform can `verb` (default: the method's name), else a 501 saying why not. */
  able<K extends keyof ConsolePlatform>(platform: ConsolePlatform, method: K, verb?: ConsoleVerb): NonNullable<ConsolePlatform[K]>;
}

export function createResolver(platforms: Map<string, ConsolePlatform>): Resolver {
  const platformOf = (name: unknown): ConsolePlatform => {
    const p = platforms.get(String(name));
    if (!p) throw new ConsoleError(404, `no emulated platform '${String(name)}' (running: ${[...platforms.keys()].join(', ') || 'none'})`);
    return p;
  };
  return {
    platformOf,
    target(key) {
      const k = str(key, 'conversation');
      const at = k.indexOf(':');
      return { platform: platformOf(k.slice(0, at)), id: k.slice(at + 1) };
    },
    able(platform, method, verb = method as ConsoleVerb) {
      const why = platform.abilities[verb];
      const fn = platform[method];
      if (why !== true || typeof fn !== 'function') throw new ConsoleError(501, typeof why === 'string' ? why : `${platform.name} cannot ${verb}`);
      return (fn as (...args: unknown[]) => unknown).bind(platform) as never;
    },
  };
}
