import { ChatClient } from '@azure/communication-chat';
import { AzureCommunicationTokenCredential } from '@azure/communication-common';
import { CommunicationIdentityClient } from '@azure/communication-identity';
import type { AcsEmulator } from '../../../src/emulator/acs/index.ts';

/** Real SDK clients trusting the emulator's certificate through tlsOptions (never NODE_TLS_REJECT_UNAUTHORIZED). */
export function identityClient(emulator: AcsEmulator, connectionString = emulator.connectionString): CommunicationIdentityClient {
  return new CommunicationIdentityClient(connectionString, { tlsOptions: { ca: emulator.caPem } });
}

export function chatClient(emulator: AcsEmulator, token: string): ChatClient {
  return new ChatClient(emulator.endpoint, new AzureCommunicationTokenCredential(token), { tlsOptions: { ca: emulator.caPem } });
}

/** A user made through the Identity SDK, with a chat client of their own. */
export async function sdkUser(emulator: AcsEmulator, name: string) {
  const { user, token } = await identityClient(emulator).createUserAndToken(['chat']);
  return { id: user.communicationUserId, name, token, chat: chatClient(emulator, token) };
}

export const ident = (id: string) => ({ communicationUserId: id });
