/**
 * Event ids this instance already handed to the sink (or is handing right now), so the same change
 * arriving from both the poller and Event Grid reaches the sink once. Bounded in size and age; the
 * runtime's ingest dedupe (durable, shared between instances) stays the authority across restarts.
 */
export class RecentEvents {
  private readonly entries = new Map<string, number>();
  constructor(
    private readonly now: () => number,
    private readonly ttlMs = 10 * 60_000,
    private readonly maxSize = 50_000,
  ) {}

  /** True when the caller may deliver `id` (nobody has, nobody is). */
  claim(id: string): boolean {
    const at = this.entries.get(id);
    if (at !== undefined && at > this.now() - this.ttlMs) return false;
    this.entries.delete(id);
    this.entries.set(id, this.now());
    if (this.entries.size > this.maxSize) {
      for (const key of this.entries.keys()) {
        this.entries.delete(key);
        if (this.entries.size <= this.maxSize * 0.9) break;
      }
    }
    return true;
  }

  /** The delivery failed: let the next source try again. */
  release(id: string): void {
    this.entries.delete(id);
  }
}
