/**
 * ACS credentials checked with one HMAC-signed identity call (issue a chat token), and a failure
 * told as the environment variable to fix. Without ACS_BOT_USER_ID the call names an identity no
 * resource owns: "IdentityNotOwned" then proves the key was accepted, with no user created.
 */
import { CommunicationIdentityClient } from './sdk.ts';
import { ConfigError } from '../../errors.ts';

interface RestErrorLike {
  message?: string;
  statusCode?: number;
  code?: string;
}

const PROBE_USER = '8:acs:00000000-0000-0000-0000-000000000000_00000000-0000-0000-0000-000000000000';
const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/i;

export interface AcsVerifyOptions {
  connectionString: string;
  botUserId?: string | undefined;
  tlsCa?: string | undefined;
}

/** The environment variable to blame, or undefined when the answer shows the credentials work. */
export function describeAcsAuthFailure(err: unknown, options: AcsVerifyOptions): string | undefined {
  const e = (err ?? {}) as RestErrorLike;
  const endpoint = /endpoint=(.*?);/i.exec(options.connectionString)?.[1] ?? '(no endpoint)';
  const said = e.message ?? String(err);
  if (e.statusCode === 401 && e.code === 'IdentityNotOwned') {
    if (!options.botUserId) return undefined;
    return `environment variable ACS_BOT_USER_ID: ${options.botUserId} is not an identity of ${endpoint} (${said}). Fix: use an id that \`botyard acs identity\` created on this resource, or unset it and botyard creates one`;
  }
  if (e.statusCode === 401 || e.statusCode === 403) {
    return `environment variable ACS_CONNECTION_STRING: ${endpoint} refused its access key (${e.statusCode} ${e.code ?? ''}). Fix: copy the connection string again from Azure portal → Communication Service → Keys`;
  }
  if (e.statusCode === undefined && TLS_CODES.test(`${e.code ?? ''} ${said}`)) {
    return `environment variable ACS_CA_PATH: ${endpoint} presented a certificate this machine does not trust (${e.code ?? said}). Fix: point ACS_CA_PATH at the PEM \`botyard emulator\` printed (emulator), or unset it for Azure`;
  }
  if (e.statusCode === undefined) {
    return `environment variable ACS_CONNECTION_STRING: cannot reach ${endpoint} (${e.code ?? said}). Fix: check the endpoint= part of the connection string and this machine's network`;
  }
  return `ACS answered ${e.statusCode} to a credentials check (${said}). Fix: look at Azure's service health, then try again`;
}

/** Throws a ConfigError naming the variable to fix when ACS refuses these credentials. */
export async function verifyAcsCredentials(options: AcsVerifyOptions): Promise<void> {
  // No retries: a wrong endpoint should fail now, not after the SDK's backoff.
  const identity = new CommunicationIdentityClient(options.connectionString, {
    retryOptions: { maxRetries: 0 },
    ...(options.tlsCa ? { tlsOptions: { ca: options.tlsCa } } : {}),
  });
  try {
    await identity.getToken({ communicationUserId: options.botUserId ?? PROBE_USER }, ['chat']);
  } catch (err) {
    const problem = describeAcsAuthFailure(err, options);
    if (problem) throw new ConfigError([problem], { cause: err });
  }
}
