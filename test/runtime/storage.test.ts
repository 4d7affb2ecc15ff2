import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { ConfigError } from '../../src/errors.ts';
import { chooseStore, refuseThrowawayAcsIdentity } from '../../src/runtime/storage.ts';

const cwd = path.resolve('/srv/app');
const config = (file: Record<string, unknown> = {}, env: Record<string, string> = {}) => loadConfig({ env, config: file, cwd });
const issues = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.issues.join('\n');
    throw err;
  }
  throw new Error('expected a ConfigError');
};

describe('storage selection', () => {
  it('defaults to SQLite at .botyard/botyard.db in the project for start, memory for in-process stacks', async () => {
    expect(chooseStore(await config(), { kind: 'sqlite', cwd })).toEqual({ kind: 'sqlite', path: path.join(cwd, '.botyard/botyard.db'), synchronous: 'normal' });
    expect(chooseStore(await config(), { kind: 'memory', cwd })).toEqual({ kind: 'memory' });
  });

  it('a Redis URL (environment or file) means Redis when store is unset', async () => {
    expect(chooseStore(await config({}, { REDIS_URL: 'redis://r:6379' }), { kind: 'sqlite', cwd })).toEqual({ kind: 'redis', url: 'redis://r:6379' });
    expect(chooseStore(await config({ redisUrl: 'redis://f:6379' }), { kind: 'sqlite', cwd })).toEqual({ kind: 'redis', url: 'redis://f:6379' });
  });

  it('store in bot.config.ts decides: a string or an object, paths relative to the project', async () => {
    expect(chooseStore(await config({ store: 'memory' }), { kind: 'sqlite', cwd })).toEqual({ kind: 'memory' });
    expect(chooseStore(await config({ store: 'sqlite' }), { kind: 'memory', cwd })).toMatchObject({ kind: 'sqlite', path: path.join(cwd, '.botyard/botyard.db') });
    expect(chooseStore(await config({ store: { kind: 'sqlite', path: 'data/bots.db', synchronous: 'full' } }), { kind: 'sqlite', cwd })).toEqual({
      kind: 'sqlite',
      path: path.join(cwd, 'data/bots.db'),
      synchronous: 'full',
    });
    expect(chooseStore(await config({ store: { kind: 'sqlite', path: '/var/lib/b.db' } }), { kind: 'sqlite', cwd })).toMatchObject({ path: '/var/lib/b.db' });
    expect(chooseStore(await config({ store: 'redis', redisUrl: 'redis://f:6379' }), { kind: 'sqlite', cwd })).toEqual({ kind: 'redis', url: 'redis://f:6379' });
  });

  it('refuses contradictions and unknown kinds, naming the keys and the fix', async () => {
    const mixed = await config({ store: 'sqlite' }, { REDIS_URL: 'redis://r:6379' });
    expect(issues(() => chooseStore(mixed, { kind: 'sqlite', cwd }))).toMatch(/store: 'sqlite'.*REDIS_URL is set too\. Fix: unset REDIS_URL/);
    const noUrl = await config({ store: 'redis' });
    expect(issues(() => chooseStore(noUrl, { kind: 'sqlite', cwd }))).toMatch(/store: 'redis' needs a Redis URL\. Fix: set REDIS_URL/);
    await expect(config({ store: 'postgres' })).rejects.toThrow(/store\.kind/);
    await expect(config({ store: { kind: 'sqlite', file: 'x.db' } })).rejects.toThrow(/remove file/);
  });

  it('start on memory refuses to create a throwaway ACS identity; a durable store or ACS_BOT_USER_ID is fine', async () => {
    const acs = { ACS_CONNECTION_STRING: 'endpoint=https://x.communication.azure.com/;accesskey=a2V5' };
    const onMemory = await config({ store: 'memory' }, acs);
    const message = issues(() => refuseThrowawayAcsIdentity(chooseStore(onMemory, { kind: 'sqlite', cwd }), onMemory));
    expect(message).toContain('ACS_BOT_USER_ID');
    expect(message).toContain('botyard acs identity');
    const given = await config({ store: 'memory' }, { ...acs, ACS_BOT_USER_ID: '8:acs:bot' });
    expect(() => refuseThrowawayAcsIdentity(chooseStore(given, { kind: 'sqlite', cwd }), given)).not.toThrow();
    const durable = await config({}, acs);
    expect(() => refuseThrowawayAcsIdentity(chooseStore(durable, { kind: 'sqlite', cwd }), durable)).not.toThrow();
  });
});
