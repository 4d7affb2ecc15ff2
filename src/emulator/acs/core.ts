import type { IncomingMessage } from 'node:http';
import type { AcsModel, ThreadRecord, UserRecord } from './model.ts';
import { signToken, verifyToken } from './jwt.ts';
import { AcsHttpError, badRequest, forbidden, isoIdentity, notFound, unauthorized } from './wire.ts';

export const CHAT_API_VERSION = '2025-03-15';
export const IDENTITY_API_VERSION = '2023-10-01';
export const TOKEN_SCOPES = ['chat', 'voip', 'chat.join', 'chat.join.limited', 'voip.join'] as const;

/** Knobs a test may change while the emulator runs. */
export interface AcsEmulatorSettings {
  /**
   * When set, every token lives this long instead of `expiresInMinutes` (which the service bounds to
   * 60–1440). This is how tests get tokens that expire within seconds.
   */
  tokenLifetimeMs?: number;
  /** How far x-ms-date may be from the emulator's clock before a signed request is refused (default 15 min). */
  hmacMaxSkewMs: number;
  /**
   * Precision of `lastMessageReceivedOn` in listChatThreads. `seconds` (default) is what the service
   * sends (`2021-01-27T19:40:46Z` in every recorded listing, and the spec's `yyyy-MM-ddTHH:mm:ssZ`);
   * `milliseconds` lets tests check a client also copes with finer times.
   */
  lastMessageReceivedOnPrecision?: 'seconds' | 'milliseconds';
}

/** What every route handler needs: the model, the keys, the settings. */
export class EmulatorCore {
  constructor(
    readonly model: AcsModel,
    readonly accessKey: Buffer,
    readonly tokenKey: Buffer,
    readonly settings: AcsEmulatorSettings,
  ) {}

  now(): number {
    return this.model.now();
  }

  issueToken(user: UserRecord, scopes: readonly string[], expiresInMinutes?: number, lifetimeMs?: number): { token: string; expiresOn: string; expiresOnMs: number } {
    if (scopes.length === 0) throw badRequest('At least one scope is required.', 'scopes');
    for (const s of scopes) if (!(TOKEN_SCOPES as readonly string[]).includes(s)) throw badRequest(`Unknown scope '${s}'.`, 'scopes');
    if (expiresInMinutes !== undefined && (!Number.isInteger(expiresInMinutes) || expiresInMinutes < 60 || expiresInMinutes > 1440)) {
      throw badRequest('expiresInMinutes must be an integer between 60 and 1440.', 'expiresInMinutes');
    }
    const issued = this.now();
    const lifetime = lifetimeMs ?? this.settings.tokenLifetimeMs ?? (expiresInMinutes ?? 1440) * 60_000;
    const expiresOnMs = issued + lifetime;
    user.tokensIssued++;
    const iat = Math.floor(issued / 1000);
    const token = signToken(
      {
        skypeid: user.id.replace(/^8:/, ''),
        scp: 1792,
        csi: String(iat),
        iat,
        exp: expiresOnMs / 1000,
        acsScope: scopes.join(','),
        resourceId: this.model.resourceId,
        gen: user.gen,
      },
      this.tokenKey,
    );
    return { token, expiresOn: isoIdentity(expiresOnMs), expiresOnMs };
  }

  /** The chat caller from `Authorization: Bearer <jwt>`: signature, expiry, revocation and chat scope checked. */
  authenticate(req: IncomingMessage): UserRecord {
    const auth = req.headers.authorization;
    if (!auth?.startsWith('Bearer ')) throw unauthorized('A bearer token is required.');
    const result = verifyToken(auth.slice(7).trim(), this.tokenKey, this.now());
    if (!result.ok) throw unauthorized(`The token is invalid: ${result.reason}.`);
    const user = this.model.users.get(`8:${result.claims.skypeid}`);
    if (!user || user.deleted) throw unauthorized('The identity was deleted.');
    if (result.claims.gen !== user.gen) throw unauthorized('The token was revoked.');
    if (!result.claims.acsScope.split(',').some((s) => s === 'chat' || s.startsWith('chat.join'))) throw unauthorized('The token lacks the chat scope.');
    return user;
  }

  /** A live thread the caller belongs to: unknown or deleted → 404, not a member → 403. */
  memberThread(threadId: string, caller: UserRecord): ThreadRecord {
    const thread = this.model.threads.get(threadId);
    if (!thread || thread.deletedOn !== undefined) throw notFound('Thread', threadId);
    if (!thread.participants.has(caller.id)) throw forbidden();
    return thread;
  }
}

export { AcsHttpError };
