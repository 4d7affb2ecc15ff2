/**
 * `botyard start` with wrong credentials exits non-zero at once, naming the key and the fix (it used
 * to print the SDK's error and hang); `botyard check --online` makes the same checks. Real processes
 * (bin/botyard.js) against the emulators, which stand in for the platforms, and the real Redis.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAcsEmulator, type AcsEmulator } from '../../src/emulator/acs/index.ts';
import { startStreamEmulator, type StreamEmulator } from '../../src/emulator/stream/index.ts';
import { cleanupConfigs, writeConfig } from '../helpers/botyard-process.ts';
import { redisAvailable, redisUrl } from '../helpers/redis.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = path.join(root, 'bin/botyard.js');

interface Ran {
  code: number | null;
  out: string;
  ms: number;
}

/** Runs the CLI to its end (a generous deadline: the bug this guards against was hanging forever). */
function cli(args: string[], env: Record<string, string>): Promise<Ran> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { cwd: root, env: { PATH: process.env.PATH ?? '', HOME: tmpdir(), ...env }, timeout: 45_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({ code, out: `${stdout}${stderr}`, ms: Date.now() - started });
    });
  });
}

let stream: StreamEmulator;
let acs: AcsEmulator;
let config: string;
const start = (env: Record<string, string>) => cli(['start', '--config', config, '--port', '0'], env);

beforeAll(async () => {
  [stream, acs] = await Promise.all([startStreamEmulator(), startAcsEmulator()]);
  config = writeConfig({ botsDir: mkdtempSync(path.join(tmpdir(), 'botyard-nobots-')) });
});
afterAll(async () => {
  await Promise.all([stream?.close(), acs?.close()]);
  cleanupConfigs();
});

describe('botyard start fails fast on wrong credentials', () => {
  it('a wrong STREAM_API_SECRET, ACS access key and an unreachable Redis: exit 1, each problem naming its key and the fix', async () => {
    const wrongKey = acs.connectionString.replace(/accesskey=.*/i, `accesskey=${Buffer.from('wrong key').toString('base64')}`);
    const ran = await start({ ...stream.env, STREAM_API_SECRET: 'not-the-secret', ...acs.env, ACS_CONNECTION_STRING: wrongKey, REDIS_URL: 'redis://127.0.0.1:1' });
    console.info(`[fail-fast] three wrong credentials: exited ${ran.code} after ${ran.ms} ms`);
    expect(ran.code).toBe(1);
    expect(ran.out).toMatch(/environment variable STREAM_API_SECRET: Stream refused calls signed with it \(.*\)\. Fix: copy the secret that belongs to STREAM_API_KEY/);
    expect(ran.out).toMatch(/environment variable ACS_CONNECTION_STRING: https:\/\/127\.0\.0\.1:\d+\/? refused its access key \(401/);
    expect(ran.out).toMatch(/environment variable REDIS_URL: cannot reach Redis at redis:\/\/127\.0\.0\.1:1 \(.*ECONNREFUSED.*\)\. Fix: check the host and port/);
    expect(ran.out).not.toContain('botyard listening');
  });

  it('a wrong STREAM_API_KEY, an ACS_BOT_USER_ID of no identity, a Redis password refused', async () => {
    const redis: Record<string, string> = redisAvailable ? { REDIS_URL: redisUrl.replace('redis://', 'redis://nobody:wrong-password@') } : {};
    const ran = await start({ ...stream.env, STREAM_API_KEY: 'no-such-key', ...acs.env, ACS_BOT_USER_ID: '8:acs:nobody', ...redis });
    expect(ran.code).toBe(1);
    expect(ran.out).toMatch(/environment variable STREAM_API_KEY: Stream does not know this API key/);
    expect(ran.out).toMatch(/environment variable ACS_BOT_USER_ID: 8:acs:nobody is not an identity of/);
    if (redisAvailable) {
      expect(ran.out).toMatch(/environment variable REDIS_URL: Redis at redis:\/\/\*\*\*@.* refused the credentials/);
      expect(ran.out).not.toContain('wrong-password');
    }
  });

  it('a STREAM_BASE_URL nothing listens on, and an ACS certificate nothing trusts', async () => {
    const ran = await start({ ...stream.env, STREAM_BASE_URL: 'http://127.0.0.1:1', ACS_CONNECTION_STRING: acs.connectionString });
    expect(ran.code).toBe(1);
    expect(ran.out).toMatch(/environment variable STREAM_BASE_URL: cannot reach http:\/\/127\.0\.0\.1:1 \(ECONNREFUSED\)/);
    expect(ran.out).toMatch(/environment variable ACS_CA_PATH: .* certificate this machine does not trust/);
  });
});

describe('botyard check --online', () => {
  it('tries the credentials against the platforms: ✓ when they work, ✗ naming the key when not', async () => {
    const good = await cli(['check', '--online', '--config', config], { ...stream.env, ...acs.env });
    expect(good.out).toContain('✓ stream: credentials accepted');
    expect(good.out).toContain('✓ acs: credentials accepted');
    expect(good.code).toBe(0);

    const bad = await cli(['check', '--online', '--config', config], { ...stream.env, STREAM_API_SECRET: 'nope' });
    expect(bad.out).toMatch(/✗ environment variable STREAM_API_SECRET: Stream refused/);
    expect(bad.code).toBe(1);
  });
});
