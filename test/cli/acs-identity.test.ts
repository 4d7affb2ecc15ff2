import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acsIdentityCommand } from '../../src/cli/commands/acs-identity.ts';
import { startAcsEmulator, type AcsEmulator } from '../../src/emulator/acs/index.ts';

let emulator: AcsEmulator;
beforeAll(async () => {
  emulator = await startAcsEmulator();
});
afterAll(() => emulator.close());

function io(env: NodeJS.ProcessEnv) {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l), env, cwd: process.cwd() } };
}

describe('botyard acs identity', () => {
  it('creates a user on the emulator and prints its id', async () => {
    const t = io({ ACS_CONNECTION_STRING: emulator.connectionString, ACS_CA_PATH: emulator.caPath });
    expect(await acsIdentityCommand.run([], { name: 'Helper' }, t.io)).toBe(0);
    expect(t.out).toHaveLength(1);
    expect(t.out[0]).toMatch(/^8:acs:/);
    expect(emulator.state.users().map((u) => u.id)).toContain(t.out[0]);
  });

  it('trusts the certificate through NODE_EXTRA_CA_CERTS too', async () => {
    const t = io({ ACS_CONNECTION_STRING: emulator.connectionString, NODE_EXTRA_CA_CERTS: emulator.caPath });
    expect(await acsIdentityCommand.run([], {}, t.io)).toBe(0);
  });

  it('names the missing variable and the fix', async () => {
    const t = io({});
    expect(await acsIdentityCommand.run([], {}, t.io)).toBe(1);
    expect(t.err.join('\n')).toMatch(/ACS_CONNECTION_STRING is not set\. Fix: /);
  });

  it('explains an untrusted certificate', async () => {
    const t = io({ ACS_CONNECTION_STRING: emulator.connectionString });
    expect(await acsIdentityCommand.run([], {}, t.io)).toBe(1);
    expect(t.err.join('\n')).toContain('ACS_CA_PATH');
  });
});
