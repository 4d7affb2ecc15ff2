import { CommunicationIdentityClient } from './sdk.ts';
import type { StateStore } from '../../state/store.ts';
import { call } from './errors.ts';
import type { FetchedToken } from './credential.ts';

/** Where the bot's ACS user id is kept when botyard created it. */
export const BOT_USER_KEY = 'acs:bot-user';

export function createIdentityClient(connectionString: string, tlsCa?: string): CommunicationIdentityClient {
  return new CommunicationIdentityClient(connectionString, tlsCa ? { tlsOptions: { ca: tlsCa } } : {});
}

/** Creates a new ACS user (the operator's `botyard acs identity`) and returns its id, `8:acs:…`. */
export async function createAcsUser(connectionString: string, tlsCa?: string): Promise<string> {
  const user = await createIdentityClient(connectionString, tlsCa).createUser();
  return user.communicationUserId;
}

/**
 * The bot's ACS user: the configured id, else the one kept in the store, else a new one (created
 * once: when two instances race, the loser deletes its user and takes the winner's).
 */
export async function resolveBotUser(identity: CommunicationIdentityClient, store: StateStore, configured?: string): Promise<string> {
  if (configured) return configured;
  const kept = await store.get<{ id: string }>(BOT_USER_KEY);
  if (kept?.id) return kept.id;
  const created = await call('create the bot user', () => identity.createUser());
  if (await store.setIfNotExists(BOT_USER_KEY, { id: created.communicationUserId })) return created.communicationUserId;
  await identity.deleteUser(created).catch(() => undefined);
  return (await store.get<{ id: string }>(BOT_USER_KEY))!.id;
}

/** Issues a chat token for the bot (the default lifetime, 24 h, unless the service says otherwise). */
export function chatTokenFetcher(identity: CommunicationIdentityClient, userId: string): () => Promise<FetchedToken> {
  return async () => {
    const t = await call('issue the bot a chat token', () => identity.getToken({ communicationUserId: userId }, ['chat']));
    return { token: t.token, expiresOnTimestamp: t.expiresOn.getTime() };
  };
}
