/**
 * The emulator's stand-in for the Azure side of Event Grid delivery: a test Microsoft Entra tenant
 * whose signing keys are served as a JWKS, tokens shaped like the ones Event Grid attaches to a
 * delivery (v1 issuer `https://sts.windows.net/<tenant>/`, the webhook app as audience, the
 * AzureEventGridSecureWebhookSubscriber role), and the validationUrl of the manual handshake.
 * One small https server on loopback, with the emulator's certificate, started on first use.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';

/** Event Grid's own application id, the `appid` of its delivery tokens. */
const EVENT_GRID_APP_ID = '4962773b-9cdb-44cf-a8bf-237846a00ab7';
export const EVENT_GRID_ROLE = 'AzureEventGridSecureWebhookSubscriber';

export interface TenantInfo {
  tenantId: string;
  issuer: string;
  /** `https://127.0.0.1:PORT/<tenant>/discovery/v2.0/keys` */
  jwksUrl: string;
}

export interface EventGridTenant {
  info(): Promise<TenantInfo>;
  /** A delivery token for `audience`; `claims` override (tests forge wrong roles, audiences, expiry). */
  token(audience: string, claims?: Record<string, unknown>): Promise<string>;
  /** A validationUrl for `code`; `validated(code)` resolves when something GETs it. */
  validationUrl(code: string): Promise<string>;
  validated(code: string, timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

export function createEventGridTenant(cert: { certPem: string; keyPem: string }): EventGridTenant {
  const tenantId = randomUUID();
  const kid = randomUUID();
  const waiting = new Map<string, { done: boolean; resolve?: () => void }>();
  let started: Promise<{ server: Server; origin: string; key: CryptoKey; jwk: JWK }> | undefined;

  const start = () =>
    (started ??= (async () => {
      const { privateKey, publicKey } = await generateKeyPair('RS256');
      const jwk = { ...(await exportJWK(publicKey)), kid, use: 'sig', alg: 'RS256' };
      const server = createServer({ cert: cert.certPem, key: cert.keyPem }, (req, res) => {
        const url = new URL(req.url ?? '/', 'https://localhost');
        if (req.method === 'GET' && url.pathname === `/${tenantId}/discovery/v2.0/keys`) {
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
          return;
        }
        const entry = url.pathname === '/eventsubscriptions/validate' ? waiting.get(url.searchParams.get('id') ?? '') : undefined;
        if (req.method === 'GET' && entry) {
          entry.done = true;
          entry.resolve?.();
          res.writeHead(200, { 'content-type': 'text/plain' }).end('Webhook successfully validated as a part of the subscription validation.');
          return;
        }
        res.writeHead(404).end();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      return { server, origin: `https://127.0.0.1:${port}`, key: privateKey, jwk };
    })());

  return {
    async info() {
      const { origin } = await start();
      return { tenantId, issuer: `https://sts.windows.net/${tenantId}/`, jwksUrl: `${origin}/${tenantId}/discovery/v2.0/keys` };
    },
    async token(audience, claims = {}) {
      const { key } = await start();
      const now = Math.floor(Date.now() / 1000);
      const payload = {
        aud: audience, iss: `https://sts.windows.net/${tenantId}/`, iat: now, nbf: now - 60, exp: now + 3600, sub: randomUUID(),
        appid: EVENT_GRID_APP_ID, roles: [EVENT_GRID_ROLE], tid: tenantId, oid: randomUUID(), ver: '1.0', ...claims,
      };
      return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid }).sign(key);
    },
    async validationUrl(code) {
      const { origin } = await start();
      waiting.set(code, { done: false });
      return `${origin}/eventsubscriptions/validate?id=${encodeURIComponent(code)}&t=${encodeURIComponent(new Date().toISOString())}&apiVersion=2018-05-01-preview`;
    },
    validated(code, timeoutMs) {
      const entry = waiting.get(code);
      if (!entry) return Promise.resolve(false);
      if (entry.done) return Promise.resolve(true);
      return new Promise((resolve) => {
        const timer = setTimeout(() => resolve(false), timeoutMs);
        entry.resolve = () => {
          clearTimeout(timer);
          resolve(true);
        };
      });
    },
    async close() {
      if (!started) return;
      const { server } = await started;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
