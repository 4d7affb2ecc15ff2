import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseEnv } from '../../src/config/load.ts';
import { ConfigError } from '../../src/errors.ts';

describe('config', () => {
  it('fills defaults', async () => {
    const c = await loadConfig({ env: {}, config: {} });
    expect(c.bot).toEqual({ id: 'botyard', name: 'Botyard' });
    expect(c.handlerTimeoutMs).toBe(30_000);
    expect(c.env.REDIS_URL).toBeUndefined();
  });

  it('names the bad environment key and the fix', () => {
    const err = (() => { try { parseEnv({ REDIS_URL: 'localhost:6379', PORT: 'eighty' }); } catch (e) { return e; } })();
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).issues.join('\n')).toMatch(/REDIS_URL: .*Fix: use redis:\/\/host:6379/);
    expect((err as ConfigError).issues.join('\n')).toMatch(/PORT: .*Fix: use a port number/);
  });

  it('refuses half a pair of Stream credentials', () => {
    expect(() => parseEnv({ STREAM_API_KEY: 'k' })).toThrow(/STREAM_API_SECRET: missing while its partner is set/);
  });

  it('names an unknown or mistyped key in bot.config.ts', async () => {
    mkdirSync('.botyard', { recursive: true });
    const dir = mkdtempSync(path.resolve('.botyard/config-'));
    try {
      writeFileSync(path.join(dir, 'bot.config.ts'), `import { defineConfig } from 'botyard';\nexport default defineConfig({ handlerTimeoutMs: -5, colour: 'blue' } as never);`);
      await expect(loadConfig({ env: {}, cwd: dir })).rejects.toThrow(/handlerTimeoutMs: .*\n.*remove colour/s);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
