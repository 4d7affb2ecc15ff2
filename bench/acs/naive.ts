/**
 * The baseline: poll every thread every cycle (listChatThreads, then listMessages on each thread),
 * through the same SDK and concurrency as botyard's poller. What a first poller usually does.
 */
import type { ChatClient } from '@azure/communication-chat';

export function createNaivePoller(chat: ChatClient, botId: string, deliver: (threadId: string, messageId: string) => void, concurrency = 4) {
  const seen = new Set<string>();
  let since: Date | undefined;
  return async function cycle(): Promise<{ calls: number; threads: number; events: number; durationMs: number }> {
    const started = Date.now();
    let calls = 0;
    let events = 0;
    const ids: string[] = [];
    for await (const page of chat.listChatThreads({ maxPageSize: 100 }).byPage()) {
      calls++;
      for (const t of page) ids.push(t.id);
    }
    const from = since;
    since = new Date(started - 2000);
    const todo = [...ids];
    const worker = async () => {
      for (let id = todo.shift(); id; id = todo.shift()) {
        for await (const page of chat.getChatThreadClient(id).listMessages({ maxPageSize: 100, ...(from ? { startTime: from } : {}) }).byPage()) {
          calls++;
          for (const m of page) {
            if (m.type !== 'text' || seen.has(m.id) || (m.sender as { communicationUserId?: string } | undefined)?.communicationUserId === botId) continue;
            seen.add(m.id);
            if (from) {
              events++;
              deliver(id, m.id);
            }
          }
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return { calls, threads: ids.length, events, durationMs: Date.now() - started };
  };
}
