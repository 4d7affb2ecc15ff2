/**
 * The conversation as a model sees it: the bot's own messages are the assistant's turns; everyone
 * else's are user turns, each opened with the speaker's name (several people share a chat).
 */
import type { Message, UserRef } from 'botyard';
import type { ModelMessage } from 'ai';

/** `Kim: ` before a user's words; `stripSpeaker` takes it off again. */
export const speaker = (user: UserRef) => `${user.name ?? user.id}: `;
export const stripSpeaker = (text: string) => text.replace(/^[^:\n]{1,64}: /, '');

/** Recent messages (oldest first) with the question last, as model messages. Empty texts are left out. */
export function toModelMessages(history: Message[], question: Message, me: UserRef): ModelMessage[] {
  const turns = history.some((m) => m.id === question.id) ? history : [...history, question];
  return turns
    .filter((m) => m.text.trim() !== '')
    .map((m): ModelMessage => (m.user.id === me.id ? { role: 'assistant', content: m.text } : { role: 'user', content: `${speaker(m.user)}${m.text}` }));
}
