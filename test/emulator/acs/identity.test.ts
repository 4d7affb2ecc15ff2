import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { startAcsEmulator, type AcsEmulator } from '../../../src/emulator/acs/index.ts';
import { chatClient, identityClient } from './helpers.ts';

let emulator: AcsEmulator;
beforeAll(async () => {
  emulator = await startAcsEmulator();
});
afterAll(() => emulator.close());

describe('ACS emulator: Identity through @azure/communication-identity', () => {
  it('creates a user, issues a token with scopes and expiry, revokes it and deletes the user', async () => {
    const client = identityClient(emulator);
    const user = await client.createUser();
    expect(user.communicationUserId).toMatch(/^8:acs:[0-9a-f-]{36}_/);

    const before = Date.now();
    const { token, expiresOn } = await client.getToken(user, ['chat', 'voip'], { tokenExpiresInMinutes: 60 });
    expect(token.split('.')).toHaveLength(3);
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
    expect(claims.acsScope).toBe('chat,voip');
    expect(expiresOn.getTime() - before).toBeGreaterThan(59 * 60_000);
    expect(expiresOn.getTime() - before).toBeLessThan(61 * 60_000);

    // The token works for chat until it is revoked.
    const chat = chatClient(emulator, token);
    await chat.createChatThread({ topic: 'before revoke' });
    await client.revokeTokens(user);
    await expect(chatClient(emulator, token).createChatThread({ topic: 'after revoke' })).rejects.toMatchObject({ statusCode: 401 });

    await client.deleteUser(user);
    expect(emulator.state.users().find((u) => u.id === user.communicationUserId)?.deleted).toBe(true);
    // A deleted user is no longer this resource's: the recorded answer is 401 IdentityNotOwned.
    await expect(client.getToken(user, ['chat'])).rejects.toMatchObject({ statusCode: 401, code: 'IdentityNotOwned' });
  });

  it('creates a user with a token in one call; the default lifetime is 24 h', async () => {
    const { user, token, expiresOn } = await identityClient(emulator).createUserAndToken(['chat']);
    expect(user.communicationUserId).toMatch(/^8:acs:/);
    expect(token.split('.')).toHaveLength(3);
    expect(expiresOn.getTime() - Date.now()).toBeGreaterThan(23.9 * 3600_000);
  });

  it('refuses an expiry outside 60–1440 minutes with 400', async () => {
    const client = identityClient(emulator);
    const user = await client.createUser();
    await expect(client.getToken(user, ['chat'], { tokenExpiresInMinutes: 10 })).rejects.toMatchObject({ statusCode: 400 });
  });

  it('answers 401 to a request signed with the wrong key', async () => {
    const wrongKey = randomBytes(32).toString('base64');
    const bad = identityClient(emulator, `endpoint=${emulator.endpoint};accesskey=${wrongKey}`);
    const error = await bad.createUser().catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'RestError', statusCode: 401, code: 'Unauthorized' });
    expect(emulator.counters()['identity.create']).toBeGreaterThan(0);
  });

  it('answers 401 to a correctly signed request with a stale x-ms-date', async () => {
    const saved = emulator.settings.hmacMaxSkewMs;
    // Rather than forging a date, shrink the tolerated skew below the request's own age.
    emulator.settings.hmacMaxSkewMs = -1;
    try {
      await expect(identityClient(emulator).createUser()).rejects.toMatchObject({ statusCode: 401 });
    } finally {
      emulator.settings.hmacMaxSkewMs = saved;
    }
    await expect(identityClient(emulator).createUser()).resolves.toBeDefined();
  });
});
