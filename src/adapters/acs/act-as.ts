/**
 * Acting as any user of the ACS resource, for the CLI's `botyard say --as 8:acs:… --in acs:<thread>`:
 * a chat token for that user (the connection string may issue one for any of its users), then a send.
 */
import { AzureCommunicationTokenCredential, ChatClient } from './sdk.ts';
import { call } from './errors.ts';
import { createIdentityClient } from './identity.ts';

export async function sendAsUser(
  connectionString: string,
  tlsCa: string | undefined,
  input: { userId: string; threadId: string; text: string; displayName?: string },
): Promise<string> {
  const identity = createIdentityClient(connectionString, tlsCa);
  const { token } = await call('issue a chat token for the sender', () => identity.getToken({ communicationUserId: input.userId }, ['chat']));
  const endpoint = /endpoint=(.*?);accesskey=/i.exec(connectionString)?.[1] ?? '';
  const chat = new ChatClient(endpoint, new AzureCommunicationTokenCredential(token), tlsCa ? { tlsOptions: { ca: tlsCa } } : {});
  const thread = chat.getChatThreadClient(input.threadId);
  const sent = await call('send the message', () => thread.sendMessage({ content: input.text }, input.displayName ? { senderDisplayName: input.displayName } : {}));
  return sent.id;
}
