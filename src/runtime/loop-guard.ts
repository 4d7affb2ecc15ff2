/**
 * Stops bot-to-bot reply loops: counts the messages bots send per conversation in a fixed window,
 * and refuses to dispatch messages *from bots* into a conversation that is over the limit.
 */
export interface LoopGuardOptions {
  maxBotMessages: number;
  windowMs: number;
  now?: () => number;
}

export class LoopGuard {
  private readonly windows = new Map<string, { start: number; count: number }>();
  private readonly now: () => number;

  constructor(private readonly options: LoopGuardOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Counts one bot message into `conversationKey`. */
  record(conversationKey: string): void {
    const w = this.current(conversationKey);
    w.count++;
  }

  /** True when bot traffic in the conversation is over the limit. */
  tripped(conversationKey: string): boolean {
    return this.current(conversationKey).count >= this.options.maxBotMessages;
  }

  /** Why a bot message was not dispatched, in words (for the log and the console's inspector). */
  reason(): string {
    const { maxBotMessages, windowMs } = this.options;
    const window = windowMs < 1000 ? `${windowMs} ms` : `${Math.round(windowMs / 1000)} s`;
    return `loop guard: bots sent ${maxBotMessages} messages in this conversation within ${window}, so bot messages here are not handled until that window ends (not a loop? raise loopGuard.maxBotMessages in bot.config.ts)`;
  }

  private current(key: string) {
    const t = this.now();
    let w = this.windows.get(key);
    if (!w || t - w.start >= this.options.windowMs) {
      if (this.windows.size > 10_000) this.prune(t);
      w = { start: t, count: 0 };
      this.windows.set(key, w);
    }
    return w;
  }

  private prune(t: number) {
    for (const [key, w] of this.windows) if (t - w.start >= this.options.windowMs) this.windows.delete(key);
  }
}
