/**
 * A `fetch` for jose's JWKS download that also trusts one extra CA (the ACS emulator's self-signed
 * certificate, ACS_CA_PATH) besides the usual roots. The global fetch cannot be given a CA per call,
 * and NODE_EXTRA_CA_CERTS is read only at process start.
 */
import { request } from 'node:https';
import { rootCertificates } from 'node:tls';

export function fetchTrusting(ca: string): typeof fetch {
  const trusted = [...rootCertificates, ca];
  return ((input: string | URL | Request, init?: RequestInit) =>
    new Promise<Response>((resolve, reject) => {
      const url = typeof input === 'string' || input instanceof URL ? String(input) : input.url;
      const headers = Object.fromEntries(new Headers(init?.headers).entries());
      const req = request(url, { method: init?.method ?? 'GET', headers, ca: trusted, ...(init?.signal ? { signal: init.signal } : {}) }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.once('end', () => {
          const responseHeaders = new Headers();
          for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') responseHeaders.set(k, v);
          resolve(new Response(Buffer.concat(chunks), { status: res.statusCode ?? 0, headers: responseHeaders }));
        });
        res.once('error', reject);
      });
      req.once('error', reject);
      req.end();
    })) as typeof fetch;
}
