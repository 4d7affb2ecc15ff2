/**
 * ACS does not support read receipts and typing indicators in threads of more than 20 participants
 * (service limits, Chat). Rather than spend a call (and its per-thread limit) on a refusal, outbound
 * skips them there and says so once per thread.
 */
import type { Logger } from 'pino';
import type { Adapter, ConversationRef } from '../adapters/adapter.ts';
import type { CallKind } from './limits.ts';

export const ACS_RECEIPTS_MAX_PARTICIPANTS = 20;

/** True when this call must be skipped. Never throws: an unknown size means "not large". */
export function createLargeThreadGuard(log?: Logger, maxParticipants = ACS_RECEIPTS_MAX_PARTICIPANTS) {
  const told = new Set<string>();
  return async (adapter: Adapter, kind: CallKind, conversation: ConversationRef): Promise<boolean> => {
    if (adapter.platform !== 'acs' || (kind !== 'typing' && kind !== 'markRead') || !adapter.participantCount) return false;
    const count = await adapter.participantCount(conversation).catch(() => undefined);
    if (count === undefined || count <= maxParticipants) return false;
    if (!told.has(conversation.id)) {
      if (told.size >= 10_000) told.clear();
      told.add(conversation.id);
      log?.info({ conversation: conversation.id, participants: count }, `ACS thread has more than ${maxParticipants} participants: typing and read receipts are skipped there (ACS does not support them)`);
    }
    return true;
  };
}
