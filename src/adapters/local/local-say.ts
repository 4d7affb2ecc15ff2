/**
 * A user's message on the local platform, the way Stream treats one: banned users cannot post, the
 * runtime's beforeSend handlers decide first (a rejected message reaches nobody but its sender, a
 * rewritten one is posted rewritten), and a shadow-banned user's message is marked `shadowed`.
 */
import type { Attachment, ConversationRef, Message, PreSendDecider, UserRef } from '../adapter.ts';
import { activeBan } from './local-moderation.ts';
import type { LocalMessage, LocalState } from './local-state.ts';

export interface Draft {
  text: string;
  mentions: UserRef[];
  attachments: Attachment[];
  data: Record<string, unknown>;
  parentId?: string;
}

export type SayResult = { posted: LocalMessage } | { rejected: LocalMessage };

let rejectedSeq = 0;

/** `now`: the platform's time (the test kit's clock), for ban expiry and message times. */
export async function screenAndPost(state: LocalState, conversation: ConversationRef, sender: UserRef, draft: Draft, decide: PreSendDecider | undefined, now: () => number = Date.now): Promise<SayResult> {
  const c = state.conversation(conversation.id);
  const ban = activeBan(state, conversation.id, sender.id, now());
  if (ban && !ban.shadow) throw new Error(`${sender.id} is banned in local conversation '${conversation.id}'${ban.reason ? ` (${ban.reason})` : ''} and cannot post there`);
  let message: Omit<Message, 'id'> = { ...draft, user: sender };
  if (decide) {
    const verdict = await decide({ platform: 'local', conversation, message: { id: '', ...message }, sender, raw: { ...draft, user: sender.id } });
    if (verdict.action === 'reject') {
      const first = verdict.rejections[0]!;
      const rejected: LocalMessage = { id: `rejected-${++rejectedSeq}`, ...message, createdAt: new Date(now()).toISOString(), reactions: [], rejected: { notice: verdict.notice, by: first.by, reason: first.reason } };
      c.rejected.push(rejected);
      return { rejected };
    }
    if (verdict.action === 'rewrite') {
      const x = verdict.changes;
      message = {
        ...message,
        ...(x.text !== undefined ? { text: x.text } : {}),
        ...(x.attachments !== undefined ? { attachments: x.attachments } : {}),
        ...(x.silent !== undefined ? { silent: x.silent } : {}),
        ...(x.data ? { data: { ...message.data, ...x.data } } : {}),
      };
    }
  }
  return { posted: c.post({ ...message, ...(ban?.shadow ? { shadowed: true } : {}) }) };
}
