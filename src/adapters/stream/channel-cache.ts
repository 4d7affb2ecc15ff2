/**
 * stream-chat Channel objects, kept for reuse. Building one is not cheap in stream-chat 9 (its state,
 * message composer and middleware come with it: ~12% of a reply's CPU when every verb built its own,
 * three per reply). Server-side calls leave a Channel's state untouched (nothing but the websocket
 * feeds it), so a kept Channel does not grow. The least recently used go beyond `max`.
 */
import type { Channel, StreamChat } from 'stream-chat';
import { splitCid } from './client.ts';

export function createChannelCache(client: StreamChat, max = 500) {
  const channels = new Map<string, Channel>();
  return (cid: string): Channel => {
    let channel = channels.get(cid);
    if (channel) {
      channels.delete(cid); // re-insert: Map order is the recency order
    } else {
      const [type, id] = splitCid(cid);
      channel = client.channel(type, id);
      if (channels.size >= max) channels.delete(channels.keys().next().value!);
    }
    channels.set(cid, channel);
    return channel;
  };
}
