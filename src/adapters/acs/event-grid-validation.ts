/**
 * Event Grid's asynchronous (manual) validation handshake: answer the validation event with 200 and no
 * code, then GET its `validationUrl` (valid for minutes). Only for an authenticated validation event,
 * and only to https URLs on the configured hosts: the URL comes from a request body, and fetching
 * whatever a body names would let a sender aim the runtime at internal addresses.
 */
import { request } from 'node:https';
import type { Logger } from 'pino';

/** True when `url` is https on one of `hosts` (`.suffix` matches subdomains, a bare name matches exactly). */
export function validationUrlAllowed(url: string, hosts: string[]): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'https:' || parsed.username || parsed.password) return false;
  const host = parsed.hostname.toLowerCase();
  return hosts.some((h) => (h.startsWith('.') ? host.endsWith(h.toLowerCase()) : host === h.toLowerCase()));
}

function get(url: string, ca: string | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', timeout: 10_000, ...(ca ? { ca } : {}) }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode ?? 0));
    });
    req.once('timeout', () => req.destroy(new Error('validationUrl did not answer within 10 s')));
    req.once('error', reject);
    req.end();
  });
}

/**
 * GETs `url` shortly after the 200 went out (Event Grid moves the subscription to AwaitingManualAction
 * on that 200), with a few tries. Resolves true once it answered 2xx.
 */
export async function completeValidation(url: string, options: { log?: Logger; ca?: string; delayMs?: number; tries?: number }): Promise<boolean> {
  const tries = options.tries ?? 3;
  for (let attempt = 1; attempt <= tries; attempt++) {
    await new Promise((r) => setTimeout(r, (options.delayMs ?? 1000) * attempt));
    try {
      const status = await get(url, options.ca);
      if (status >= 200 && status < 300) {
        options.log?.info({ attempt }, 'Event Grid subscription validated through its validationUrl');
        return true;
      }
      options.log?.warn({ status, attempt }, 'Event Grid validationUrl refused the GET');
    } catch (error) {
      options.log?.warn({ err: error, attempt }, 'Event Grid validationUrl could not be reached');
    }
  }
  return false;
}
