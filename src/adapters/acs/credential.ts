import type { CommunicationTokenCredential } from '@azure/communication-common';
import { AzureCommunicationTokenCredential } from './sdk.ts';

type AccessToken = Awaited<ReturnType<CommunicationTokenCredential['getToken']>>;

export interface FetchedToken {
  token: string;
  expiresOnTimestamp: number;
}

/**
 * The bot's chat credential: the SDK's AzureCommunicationTokenCredential with our tokenRefresher,
 * plus a refresh *ahead* of expiry on our own clock.
 *
 * Why the wrapper: AzureCommunicationTokenCredential calls its refresher only once the token has
 * expired (or on wall-clock timers at exp − 10 min / half the remaining life with refreshProactively),
 * so a request could leave with a token that expires in flight, and it cannot take an injected
 * clock. Here, once `now() >= expiry − margin` (the margin is capped at half the token's lifetime so
 * short-lived tokens still get used), the next getToken fetches a fresh token and swaps in a new SDK
 * credential built on it; the SDK's own refresher stays as the fallback.
 */
export class BotTokenCredential implements CommunicationTokenCredential {
  private inner: AzureCommunicationTokenCredential | undefined;
  private issuedAt = 0;
  private expiresAt = 0;
  private refreshing: Promise<void> | undefined;
  /** How many tokens were fetched (for stats and tests). */
  refreshes = 0;

  constructor(
    private readonly fetchToken: () => Promise<FetchedToken>,
    private readonly now: () => number,
    private readonly marginMs: number,
  ) {}

  /** When the current token expires (ms since epoch), 0 before the first fetch. */
  get expiresOn(): number {
    return this.expiresAt;
  }

  async getToken(options?: { abortSignal?: AbortSignal }): Promise<AccessToken> {
    const margin = Math.min(this.marginMs, (this.expiresAt - this.issuedAt) / 2);
    if (!this.inner || this.now() >= this.expiresAt - margin) await this.refresh();
    return this.inner!.getToken(options);
  }

  /** Fetches a new token now (single-flight). */
  refresh(): Promise<void> {
    this.refreshing ??= (async () => {
      try {
        const fresh = await this.fetchToken();
        this.refreshes++;
        this.inner?.dispose();
        this.issuedAt = this.now();
        this.expiresAt = fresh.expiresOnTimestamp;
        this.inner = new AzureCommunicationTokenCredential({
          token: fresh.token,
          tokenRefresher: async () => {
            const next = await this.fetchToken();
            this.refreshes++;
            this.issuedAt = this.now();
            this.expiresAt = next.expiresOnTimestamp;
            return next.token;
          },
        });
      } finally {
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }

  dispose(): void {
    this.inner?.dispose();
    this.inner = undefined;
  }
}
