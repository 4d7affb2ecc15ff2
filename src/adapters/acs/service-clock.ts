/**
 * What time it is at the ACS service, as a safe lower bound, learnt from the `Date` header of every
 * chat response.
 *
 * Why: the service lists a thread's lastMessageReceivedOn in whole seconds, so a thread read while its
 * last second is still open must be read once more after that second has closed at the service (a
 * message landing later in the same second does not move the listing). Judged by our clock plus a
 * fixed margin for skew (2 s by default), an active thread was read three or four times; judged by
 * the service's own clock, twice at most (bench/acs).
 *
 * A response's `Date` (whole seconds, floored) was stamped at some service time between our sending
 * and our receiving it, so `Date - receivedAt` never exceeds the true offset between the service's
 * clock and ours. The largest such value over the last minute approaches the offset from below as
 * responses arrive at different phases of the second; a clock step on our side ages out with it.
 */
export class ServiceClock {
  /** Largest `Date - receivedAt` seen in the current and the previous window. */
  private current = -Infinity;
  private previous = -Infinity;
  private windowStart: number | undefined;

  constructor(
    private readonly now: () => number,
    private readonly windowMs = 30_000,
  ) {}

  /** Takes one response's `Date` header (ignored when absent or unreadable), received at `receivedAt` (our clock). */
  observe(dateHeader: string | undefined, receivedAt = this.now()): void {
    const date = dateHeader === undefined ? NaN : Date.parse(dateHeader);
    if (Number.isNaN(date)) return;
    this.rotate(receivedAt);
    this.current = Math.max(this.current, date - receivedAt);
  }

  /**
   * A time the service's clock had certainly reached when ours read `local`, or undefined when no
   * response told us in the last one to two windows (then callers fall back to a fixed skew margin).
   */
  serviceTimeAt(local: number): number | undefined {
    this.rotate(this.now());
    const offset = Math.max(this.current, this.previous);
    return Number.isFinite(offset) ? local + offset : undefined;
  }

  private rotate(at: number): void {
    if (this.windowStart === undefined) this.windowStart = at;
    if (at - this.windowStart < this.windowMs) return;
    // Two windows or more since the last rotation: nothing recent is left to keep.
    this.previous = at - this.windowStart < 2 * this.windowMs ? this.current : -Infinity;
    this.current = -Infinity;
    this.windowStart = at;
  }

  /**
   * A pipeline policy for the Azure SDK clients (`additionalPolicies`, per retry so each attempt's
   * answer counts) that feeds every response's `Date` header to this clock.
   */
  policy() {
    return {
      name: 'botyard-service-clock',
      sendRequest: async <Req, Res extends { headers: { get(name: string): string | undefined } }>(request: Req, next: (request: Req) => Promise<Res>): Promise<Res> => {
        const response = await next(request);
        this.observe(response.headers.get('date'));
        return response;
      },
    };
  }
}
