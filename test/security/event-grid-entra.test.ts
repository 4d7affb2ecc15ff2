/**
 * Event Grid with Microsoft Entra authentication: tokens from the emulator's test tenant are accepted
 * (the dev stack points the configured JWKS and issuer at it); forged, foreign, expired, wrong-audience
 * and role-less tokens are refused before anything is parsed. Also: the manual (validationUrl)
 * handshake, and what `botyard check` says.
 */
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { waitFor } from '../helpers/wait.ts';
import { messageEvent, startGridKit, type GridKit } from './grid-kit.ts';

const AUDIENCE = 'api://botyard-webhook';
let kit: GridKit;

beforeAll(async () => {
  kit = await startGridKit({
    env: { ACS_EVENTGRID_SECRET: '' },
    config: {
      acs: {
        pollMinIntervalMs: 200,
        pollMaxIntervalMs: 400,
        // As a production config would say it; `botyard dev` swaps JWKS and issuer for the emulator's tenant.
        eventGrid: { entra: { jwksUrl: 'https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/discovery/v2.0/keys', audience: AUDIENCE, issuer: 'https://sts.windows.net/00000000-0000-0000-0000-000000000000/' } },
      },
    },
  });
});
afterAll(() => kit?.stop());

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');

describe('Event Grid with Microsoft Entra tokens', () => {
  it('accepts the test tenant\'s delivery tokens end to end (handshake and events)', async () => {
    const grid = kit.stack.acs!.eventGrid;
    await grid.subscribe(kit.hook, { entra: { audience: AUDIENCE } });
    try {
      const acs = kit.stack.acs!;
      const kim = acs.admin.createUser('Kim');
      const threadId = acs.admin.createThread(kim.id, { topic: 'entra', participants: [{ id: kit.botId, displayName: 'Botyard' }] });
      const delivered = grid.delivered;
      acs.admin.sendMessage(threadId, kim.id, 'signed hello');
      await grid.idle();
      // Answered 200 (accepted after the token check); the poller may have seen the message first.
      expect(grid.delivered).toBeGreaterThan(delivered);
      await waitFor(() => acs.state.messages(threadId).some((m) => m.senderId === kit.botId && m.content === 'echo: signed hello'), { what: 'the echo' });
      expect(grid.failed).toBe(0);
    } finally {
      grid.unsubscribe();
    }
  });

  it('refuses forged, foreign, expired, wrong-audience, wrong-issuer and role-less tokens: 0 accepted, 0 dedupe keys', async () => {
    const grid = kit.stack.acs!.eventGrid;
    const tenant = await grid.tenant();
    const foreign = await generateKeyPair('RS256');
    const now = Math.floor(Date.now() / 1000);
    const good = { aud: AUDIENCE, iss: tenant.issuer, roles: ['AzureEventGridSecureWebhookSubscriber'], iat: now, exp: now + 600 };
    // Same kid as the tenant's key, so the verifier cannot tell them apart by header.
    const realKid = JSON.parse(Buffer.from((await grid.token(AUDIENCE)).split('.')[0]!, 'base64url').toString()).kid as string;
    const foreignToken = await new SignJWT(good).setProtectedHeader({ alg: 'RS256', kid: realKid }).sign(foreign.privateKey);
    const publicJwk = await exportJWK(foreign.publicKey);
    const tokens: Record<string, string | undefined> = {
      none: undefined,
      'not a JWT': 'abc.def',
      'alg none': `${b64({ alg: 'none', typ: 'JWT' })}.${b64(good)}.`,
      'HS256 keyed with a public key': await new SignJWT(good).setProtectedHeader({ alg: 'HS256', kid: realKid }).sign(new TextEncoder().encode(JSON.stringify(publicJwk))),
      'foreign key, same kid': foreignToken,
      expired: await grid.token(AUDIENCE, { iat: now - 7200, nbf: now - 7200, exp: now - 3600 }),
      'wrong audience': await grid.token('api://someone-else'),
      'wrong issuer': await grid.token(AUDIENCE, { iss: 'https://sts.windows.net/another-tenant/' }),
      'no role': await grid.token(AUDIENCE, { roles: [] }),
      'other role': await grid.token(AUDIENCE, { roles: ['Reader'] }),
    };
    const kim = kit.stack.acs!.admin.createUser('Kim');
    const threadId = kit.stack.acs!.admin.createThread(kim.id, { topic: 'forged', participants: [{ id: kit.botId }] });
    const writes = kit.dedupeWrites.length;
    const results: string[] = [];
    const keys = new Set<string>();
    for (const [name, token] of Object.entries(tokens)) {
      const event = messageEvent(threadId, kim.id, `forged ${name}`);
      keys.add(`dedupe:acs:${threadId}:${event.data.messageId}`);
      const res = await kit.post([event], { headers: token ? bearer(token) : {} });
      results.push(`${name}=${res.status}`);
      expect(res.status, name).toBe(401);
    }
    // The poller meanwhile greets the thread's members: count only keys the forged events could claim.
    const forgedWrites = kit.dedupeWrites.slice(writes).filter((k) => keys.has(k)).length;
    const accepted = kit.accepted.filter((e) => keys.has(`dedupe:${e.id}`)).length;
    console.log(`entra: ${results.join(', ')}; ${accepted} accepted, ${forgedWrites} dedupe keys written`);
    expect(accepted).toBe(0);
    expect(forgedWrites).toBe(0);
  });

  it('the CloudEvents OPTIONS handshake needs the token too', async () => {
    const grid = kit.stack.acs!.eventGrid;
    const origin = { 'webhook-request-origin': 'eventgrid.azure.net' };
    expect((await kit.post(undefined, { method: 'OPTIONS', headers: origin })).status).toBe(401);
    const ok = await kit.post(undefined, { method: 'OPTIONS', headers: { ...origin, ...bearer(await grid.token(AUDIENCE)) } });
    expect(ok.headers.get('webhook-allowed-origin')).toBe('eventgrid.azure.net');
  });
});

describe('manual handshake through the validationUrl', () => {
  it('answers 200 without the code and GETs the validationUrl; refuses a validationUrl off the allowed hosts', async () => {
    const manual = await startGridKit({
      config: { acs: { eventGrid: { validation: 'validationUrl', validationHosts: ['127.0.0.1'] } } },
    });
    try {
      const started = Date.now();
      await manual.stack.acs!.eventGrid.subscribe(`${manual.hook}?secret=grid-secret-0123456789abcdef`);
      console.log(`validationUrl handshake completed in ${Date.now() - started} ms`);
      const elsewhere = [{ id: 'v', eventType: 'Microsoft.EventGrid.SubscriptionValidationEvent', data: { validationCode: 'c', validationUrl: 'https://169.254.169.254/latest/meta-data' } }];
      const res = await manual.post(elsewhere, { query: '?secret=grid-secret-0123456789abcdef' });
      expect(res.status).toBe(400);
    } finally {
      await manual.stop();
    }
  });
});

describe('botyard check', () => {
  const run = async (config: string, env: Record<string, string>) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'botyard-check-'));
    writeFileSync(path.join(dir, 'bot.config.mts'), config);
    const out: string[] = [];
    const code = await main(['check', '--config', path.join(dir, 'bot.config.mts')], { out: (l) => out.push(l), err: (l) => out.push(l), env, cwd: dir });
    return { code, text: out.join('\n') };
  };

  it('refuses ACS Event Grid switched on without authentication, naming the fix', async () => {
    const { code, text } = await run(`export default { botsDir: 'none', acs: { eventGrid: { enabled: true } } };\n`, {});
    expect(code).toBe(1);
    expect(text).toContain('acs.eventGrid.enabled');
    expect(text).toContain('ACS_EVENTGRID_SECRET');
  });

  it('says which authentication is configured', async () => {
    const secret = await run(`export default { botsDir: 'none' };\n`, { ACS_EVENTGRID_SECRET: 'a-long-enough-secret-123' });
    expect(secret.text).toMatch(/ACS Event Grid: on, authenticated by secret in the subscription URL \(\?secret=…\)/);
    const both = await run(
      `export default { botsDir: 'none', acs: { eventGrid: { entra: { jwksUrl: 'https://login.microsoftonline.com/t/discovery/v2.0/keys', audience: 'api://x', issuer: 'https://sts.windows.net/t/' } } } };\n`,
      { ACS_EVENTGRID_SECRET: 'a-long-enough-secret-123' },
    );
    expect(both.text).toContain('and Microsoft Entra token (audience api://x, role AzureEventGridSecureWebhookSubscriber)');
    const off = await run(`export default { botsDir: 'none' };\n`, {});
    expect(off.text).toContain('ACS Event Grid: off');
    const short = await run(`export default { botsDir: 'none' };\n`, { ACS_EVENTGRID_SECRET: 'short' });
    expect(short.code).toBe(1);
    expect(short.text).toContain('ACS_EVENTGRID_SECRET');
  });
});
