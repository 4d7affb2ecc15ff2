/**
 * A cap on one bot's key-value state in the memory store. The memory store lives in the process's
 * heap: one bot writing a key per event would grow it until the process dies (1e6 keys ≈ +377 MB,
 * never freed), taking every other bot with it. So each bot may hold at most `maxKeys` keys and
 * `maxBytes` of JSON there; past that its writes throw StoreLimitError (its handler fails and says
 * why), while reads, deletes and overwrites that do not grow it keep working.
 *
 * The count is kept beside the store, per bot, for the store's lifetime (hot reloads keep it): the
 * bot's scoped view is the only writer of its keys. Expired keys are forgotten when the cap is reached.
 */
import { StoreLimitError } from '../errors.ts';
import type { SetOptions, StateStore, Updater } from './store.ts';

export interface BotStoreCap {
  bot: string;
  maxKeys: number;
  maxBytes: number;
  now?: () => number;
}

interface Held {
  bytes: number;
  expiresAt: number | undefined;
}

interface Tally {
  keys: Map<string, Held>;
  bytes: number;
}

const tallies = new WeakMap<StateStore, Map<string, Tally>>();

function tallyFor(root: StateStore, bot: string): Tally {
  let byBot = tallies.get(root);
  if (!byBot) tallies.set(root, (byBot = new Map()));
  let tally = byBot.get(bot);
  if (!tally) byBot.set(bot, (tally = { keys: new Map(), bytes: 0 }));
  return tally;
}

const sizeOf = (key: string, value: unknown) => key.length + Buffer.byteLength(JSON.stringify(value) ?? '');

/** `scopedStore` (the bot's view of `root`) with the cap applied. */
export function capBotStore(root: StateStore, scopedStore: StateStore, cap: BotStoreCap): StateStore {
  const now = cap.now ?? Date.now;
  const tally = tallyFor(root, cap.bot);
  const fix = 'delete keys the bot no longer needs, give them a ttlMs, raise the cap in bot.config.ts (containment), or keep state in SQLite or Redis';

  const forget = (key: string) => {
    const held = tally.keys.get(key);
    if (!held) return;
    tally.bytes -= held.bytes;
    tally.keys.delete(key);
  };
  const forgetExpired = () => {
    const t = now();
    for (const [key, held] of tally.keys) if (held.expiresAt !== undefined && held.expiresAt <= t) forget(key);
  };
  /** Throws when writing `bytes` under `key` would pass a cap. */
  const admit = (key: string, bytes: number) => {
    const fits = () => {
      const old = tally.keys.get(key);
      const keys = tally.keys.size + (old ? 0 : 1);
      const total = tally.bytes - (old?.bytes ?? 0) + bytes;
      return keys <= cap.maxKeys && total <= cap.maxBytes;
    };
    if (fits()) return;
    forgetExpired();
    if (fits()) return;
    const old = tally.keys.get(key);
    if (!old && tally.keys.size >= cap.maxKeys) {
      throw new StoreLimitError(cap.bot, `could not store '${key}': the bot already holds ${tally.keys.size} keys in the memory store (containment.memoryStoreMaxKeysPerBot = ${cap.maxKeys})`, fix);
    }
    throw new StoreLimitError(cap.bot, `could not store '${key}' (${bytes} bytes): the bot's memory-store state would pass containment.memoryStoreMaxBytesPerBot = ${cap.maxBytes} bytes`, fix);
  };
  const record = (key: string, bytes: number, options?: SetOptions) => {
    forget(key);
    tally.keys.set(key, { bytes, expiresAt: options?.ttlMs === undefined ? undefined : now() + options.ttlMs });
    tally.bytes += bytes;
  };

  const capped: StateStore = {
    ...scopedStore,
    async set(key, value, options) {
      const bytes = sizeOf(key, value);
      admit(key, bytes);
      await scopedStore.set(key, value, options);
      record(key, bytes, options);
    },
    async setIfNotExists(key, value, options) {
      const bytes = sizeOf(key, value);
      admit(key, bytes);
      const set = await scopedStore.setIfNotExists(key, value, options);
      if (set) record(key, bytes, options);
      return set;
    },
    async increment(key, by, options) {
      if (!tally.keys.has(key)) admit(key, sizeOf(key, 0));
      const value = await scopedStore.increment(key, by, options);
      if (!tally.keys.has(key)) record(key, sizeOf(key, value), options);
      return value;
    },
    async delete(key) {
      forget(key);
      return scopedStore.delete(key);
    },
    async acquireLease(key, owner, ttlMs) {
      admit(key, sizeOf(key, owner));
      const ok = await scopedStore.acquireLease(key, owner, ttlMs);
      if (ok) record(key, sizeOf(key, owner), { ttlMs });
      return ok;
    },
    async releaseLease(key, owner) {
      const released = await scopedStore.releaseLease(key, owner);
      if (released) forget(key);
      return released;
    },
    // The cap is checked on the value fn returns (fn stays pure: the check reads only the tally).
    async update<T>(key: string, fn: Updater<T>, options?: SetOptions) {
      let bytes = 0;
      const next = await scopedStore.update<T>(
        key,
        (old) => {
          const value = fn(old);
          if (value !== undefined) admit(key, (bytes = sizeOf(key, value)));
          return value;
        },
        options,
      );
      if (next === undefined) forget(key);
      else record(key, bytes, options);
      return next;
    },
  };
  return capped;
}
