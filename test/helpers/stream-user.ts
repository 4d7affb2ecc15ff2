/**
 * A stream-chat client acting as one user, as an app's client is after `connectUser`: no secret, a
 * user token, every REST call made as that user. `connectUser` would also open a websocket, which the
 * emulator does not serve, so the token and user are set the way `connectUser` sets them
 * (`_setToken`, `_setUser`) without it; the requests the SDK then sends are the ones a browser sends.
 */
import { StreamChat, type Channel } from 'stream-chat';
import { signJwt } from '../../src/emulator/stream/index.ts';

type Loose = any;

export async function streamUserClient(emu: { url: string; apiKey: string; apiSecret: string }, userId: string): Promise<StreamChat> {
  const client = new StreamChat(emu.apiKey, { baseURL: emu.url, disableCache: true });
  const user = { id: userId };
  // The token a backend would hand the app: HS256 over { user_id } with the app secret.
  await (client as Loose)._setToken(user, signJwt({ user_id: userId }, emu.apiSecret));
  (client as Loose)._setUser(user);
  return client;
}

/** The channel as the user's app holds it: watched first (the SDK refuses channel events on a channel it has not loaded). */
export async function watchedChannel(client: StreamChat, cid: string): Promise<Channel> {
  const [type, id] = cid.split(/:(.*)/s) as [string, string];
  const channel = client.channel(type, id);
  await channel.watch();
  return channel;
}
