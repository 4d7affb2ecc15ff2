/**
 * What an ACS chat user does to messages and threads beyond posting: edit and delete their own
 * messages, change the topic. What ACS Chat has no API for is said, not faked (ACS_ABILITIES).
 */
import { ConsoleError, type ConsolePlatform } from './platform.ts';
import type { ConsoleAbilities } from './types.ts';

type Verbs = Pick<ConsolePlatform, 'editMessage' | 'deleteMessage' | 'rename'>;

/** A chat call as `as`, with their token (acs-platform.ts). */
export type AcsCallAs = (as: string, method: string, path: string, body?: unknown) => Promise<Record<string, any>>;

export const ACS_ABILITIES: ConsoleAbilities = {
  react: 'ACS Chat has no reactions',
  edit: true,
  delete: true,
  upload: 'ACS Chat has no file upload API: put a link in the message instead',
  rename: true,
  flag: 'ACS Chat has no flags',
  pin: 'ACS Chat has no pinned messages',
  mute: 'ACS Chat has no mutes',
  ban: 'ACS Chat has no bans: remove the participant instead',
  stop: 'ACS Chat has no AI indicator: a streaming bot shows typing, then sends its answer once',
};

export function acsVerbs(callAs: AcsCallAs): Verbs {
  const messagePath = (id: string, messageId: string) => `/chat/threads/${encodeURIComponent(id)}/messages/${encodeURIComponent(messageId)}`;
  return {
    async editMessage(id, as, messageId, text) {
      if (!text.trim()) throw new ConsoleError(400, 'an edited message needs text (delete it instead)');
      // ACS lets only the sender edit (the service answers 403 otherwise).
      await callAs(as, 'PATCH', messagePath(id, messageId), { content: text });
    },
    async deleteMessage(id, as, messageId) {
      await callAs(as, 'DELETE', messagePath(id, messageId));
    },
    async rename(id, as, name) {
      const topic = name.trim();
      if (!topic) throw new ConsoleError(400, 'a thread needs a topic');
      await callAs(as, 'PATCH', `/chat/threads/${encodeURIComponent(id)}`, { topic });
    },
  };
}
