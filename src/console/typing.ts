/**
 * Who is typing where, as a client works it out from typing events: a start shows the user for a few
 * seconds unless a stop or a message from them comes first. Expiry is announced, so the page updates.
 */
export class TypingTracker {
  private readonly typing = new Map<string, Map<string, ReturnType<typeof setTimeout>>>();

  constructor(
    private readonly onExpire: (conversationId: string) => void,
    private readonly ttlMs = 7000,
  ) {}

  start(conversationId: string, userId: string): void {
    const users = this.typing.get(conversationId) ?? new Map<string, ReturnType<typeof setTimeout>>();
    const previous = users.get(userId);
    if (previous) clearTimeout(previous);
    const timer = setTimeout(() => {
      this.stop(conversationId, userId);
      this.onExpire(conversationId);
    }, this.ttlMs);
    timer.unref();
    users.set(userId, timer);
    this.typing.set(conversationId, users);
  }

  stop(conversationId: string, userId: string): void {
    const users = this.typing.get(conversationId);
    const timer = users?.get(userId);
    if (timer) clearTimeout(timer);
    users?.delete(userId);
  }

  who(conversationId: string): string[] {
    return [...(this.typing.get(conversationId)?.keys() ?? [])];
  }

  clear(): void {
    for (const users of this.typing.values()) for (const t of users.values()) clearTimeout(t);
    this.typing.clear();
  }
}
