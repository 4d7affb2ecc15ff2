/**
 * Stream credentials checked with one authenticated call (GET /app), and a failure told as the
 * environment variable to fix: a key Stream does not know (code 2), a secret whose signatures it
 * refuses (codes 5, 43 and other 401s), or a base URL that cannot be reached.
 */
import type { StreamChat } from 'stream-chat';
import { ConfigError } from '../../errors.ts';

interface SdkErrorLike {
  message?: string;
  code?: unknown;
  status?: unknown;
  response?: { status?: number; data?: { code?: unknown; message?: unknown } };
}

const STREAM_CLOUD = 'https://chat.stream-io-api.com';

/** The environment variable to blame for `err`, with what happened and the fix. */
export function describeStreamAuthFailure(err: unknown, baseUrl: string | undefined): string {
  const e = (err ?? {}) as SdkErrorLike;
  const status = e.response?.status ?? (typeof e.status === 'number' ? e.status : undefined);
  const code = typeof e.code === 'number' ? e.code : typeof e.response?.data?.code === 'number' ? e.response.data.code : undefined;
  const said = String(e.response?.data?.message ?? e.message ?? err);
  if (code === 2) {
    return `environment variable STREAM_API_KEY: Stream does not know this API key (${said}). Fix: copy your app's key from the Stream dashboard (App → API key)`;
  }
  if (status === 401 || status === 403) {
    return `environment variable STREAM_API_SECRET: Stream refused calls signed with it (${said}). Fix: copy the secret that belongs to STREAM_API_KEY from the Stream dashboard (App → API secret)`;
  }
  if (status === undefined) {
    const why = typeof e.code === 'string' ? e.code : said;
    if (baseUrl) return `environment variable STREAM_BASE_URL: cannot reach ${baseUrl} (${why}). Fix: use the URL \`botyard emulator\` printed, or unset it to use Stream's cloud`;
    return `Stream: cannot reach ${STREAM_CLOUD} (${why}). Fix: check this machine's network and proxy settings`;
  }
  return `Stream answered ${status} to a credentials check (${said}). Fix: look at https://status.getstream.io, then try again`;
}

/** Throws a ConfigError naming the variable to fix when Stream refuses these credentials. */
export async function verifyStreamCredentials(client: StreamChat, baseUrl: string | undefined): Promise<void> {
  try {
    await client.getAppSettings();
  } catch (err) {
    throw new ConfigError([describeStreamAuthFailure(err, baseUrl)], { cause: err });
  }
}
