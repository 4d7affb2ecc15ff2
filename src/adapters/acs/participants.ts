/**
 * How many participants an ACS thread has, as far as the bot needs to know: ACS refuses typing and
 * read receipts above 20. One listParticipants page (of 21) answers "more than 20"; the answer is kept
 * for a while and forgotten when the bot sees someone join or leave the thread.
 */
import type { ChatThreadClient } from '@azure/communication-chat';

const ENOUGH = 21;

export function createParticipantCounts(thread: (threadId: string) => ChatThreadClient, now: () => number, ttlMs = 5 * 60_000) {
  const known = new Map<string, { count: number; at: number }>();
  return {
    /** Participants of `threadId`, up to 21 (21 means "more than 20"). */
    async count(threadId: string): Promise<number> {
      const hit = known.get(threadId);
      if (hit && now() - hit.at < ttlMs) return hit.count;
      const page = await thread(threadId).listParticipants({ maxPageSize: ENOUGH }).byPage({ maxPageSize: ENOUGH }).next();
      const count = Math.min(ENOUGH, (page.value as unknown[] | undefined)?.length ?? 0);
      if (known.size >= 10_000) known.clear();
      known.set(threadId, { count, at: now() });
      return count;
    },
    /** Someone joined or left: ask again next time. */
    forget(threadId: string): void {
      known.delete(threadId);
    },
  };
}
