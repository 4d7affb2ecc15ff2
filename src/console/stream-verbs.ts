/**
 * What a Stream user does to messages and channels beyond posting, each through the API call their
 * client makes: edit (UpdateMessage), delete, react, upload a file or image and post it, rename
 * (UpdateChannelPartial), flag, pin (UpdateMessagePartial), mute, a moderator's channel ban, and
 * stopping an AI reply (the `ai_indicator.stop` event a client's stopAIResponse sends).
 */
import type { StreamEmulator } from '../emulator/stream/index.ts';
import { ConsoleError, type ConsolePlatform } from './platform.ts';
import type { StreamRest } from './stream-rest.ts';

type Json = Record<string, any>;
type Verbs = Pick<ConsolePlatform, 'editMessage' | 'deleteMessage' | 'rename' | 'react' | 'upload' | 'flag' | 'pin' | 'mute' | 'ban' | 'stopAi'>;

export interface StreamVerbDeps {
  rest: StreamRest;
  emulator: StreamEmulator;
  /** Ids of the users `text` mentions in the channel (a client's @-autocomplete fills these). */
  mentioned(cid: string, text: string): string[];
  /** Sends a message as `as` (the same path as posting). */
  send(cid: string, as: string, message: Json): Promise<{ id: string }>;
}

export function streamVerbs({ rest, emulator, mentioned, send }: StreamVerbDeps): Verbs {
  const user = (as: string) => ({ user: as });
  function ownMessage(messageId: string, as: string, verb: string): Json {
    const m = emulator.state.message(messageId) as Json | undefined;
    if (!m) throw new ConsoleError(404, `no message ${messageId}`);
    // Stream users edit and delete their own messages (update-own-message, delete-own-message).
    if (m.user?.id !== as) throw new ConsoleError(403, `only ${m.user?.name || m.user?.id} can ${verb} this message: pick them in "Post as"`);
    return m;
  }

  return {
    async editMessage(cid, as, messageId, text) {
      const m = ownMessage(messageId, as, 'edit');
      if (!text.trim()) throw new ConsoleError(400, 'an edited message needs text (delete it instead)');
      // A client's updateMessage sends the whole message back with the new text.
      const mentions = mentioned(cid, text);
      await rest.call('POST', `/messages/${encodeURIComponent(messageId)}`, user(as), {
        message: { id: messageId, text, attachments: m.attachments ?? [], mentioned_users: mentions },
      });
    },
    async deleteMessage(_cid, as, messageId) {
      ownMessage(messageId, as, 'delete');
      await rest.call('DELETE', `/messages/${encodeURIComponent(messageId)}`, user(as));
    },
    async rename(cid, as, name) {
      const clean = name.trim();
      if (!clean) throw new ConsoleError(400, 'a channel needs a name');
      await rest.call('PATCH', rest.channelPath(cid), user(as), { set: { name: clean } });
    },
    async react(_cid, as, messageId, type, on) {
      const path = `/messages/${encodeURIComponent(messageId)}/reaction`;
      if (on) await rest.call('POST', path, user(as), { reaction: { type } });
      else await rest.call('DELETE', `${path}/${encodeURIComponent(type)}`, user(as));
    },
    async upload(cid, as, file, { text, parentId }) {
      const { url, kind } = await rest.upload(cid, as, file);
      // The attachment shapes Stream's UI kits build from an upload's answer.
      const attachment = kind === 'image'
        ? { type: 'image', image_url: url, fallback: file.name, title: file.name }
        : { type: 'file', asset_url: url, title: file.name, mime_type: file.type, file_size: file.data.length };
      const body = text?.trim() ?? '';
      const mentions = mentioned(cid, body);
      return send(cid, as, { text: body, attachments: [attachment], ...(mentions.length ? { mentioned_users: mentions } : {}), ...(parentId ? { parent_id: parentId } : {}) });
    },
    async flag(_cid, as, messageId) {
      await rest.call('POST', '/moderation/flag', user(as), { target_message_id: messageId });
    },
    async pin(_cid, as, messageId, on) {
      await rest.call('PUT', `/messages/${encodeURIComponent(messageId)}`, user(as), { set: { pinned: on } });
    },
    async mute(as, userId, on) {
      await rest.call('POST', on ? '/moderation/mute' : '/moderation/unmute', user(as), { target_id: userId });
    },
    async stopAi(cid, as) {
      await rest.call('POST', `${rest.channelPath(cid)}/event`, user(as), { event: { type: 'ai_indicator.stop' } });
    },
    async ban(cid, as, userId, on) {
      const at = cid.indexOf(':');
      const scope = { type: cid.slice(0, at), id: cid.slice(at + 1) };
      if (on) await rest.call('POST', '/moderation/ban', user(as), { target_user_id: userId, ...scope });
      else await rest.call('DELETE', `/moderation/ban?target_user_id=${encodeURIComponent(userId)}&type=${encodeURIComponent(scope.type)}&id=${encodeURIComponent(scope.id)}`, user(as));
    },
  };
}
