/**
 * `ctx.typing()` that gives way to the message it announces. A handler that shows typing and then, in
 * the same turn of the event loop, sends to the same conversation (the `mentions` bot: typing, then an
 * answer it already has) would make a platform call for an indicator nobody gets to see before the
 * message lands, and on Stream leave it showing under the answer until clients time it out (7 s).
 * So a typing start waits for the end of the current turn (setImmediate): a message sent to the
 * conversation before then replaces it; otherwise it goes out as before, a fraction of a millisecond
 * later. A handler that shows typing while it works (a model call, a fetch) sees no difference.
 *
 * What changes for the handler: `ctx.typing()` resolves once the indicator is requested, not once the
 * platform acknowledged it. A capability the platform lacks still rejects at once; a platform failure
 * of the call itself (after its retries) is logged as a warning, since there is no await left to
 * reject. Stopping (`{ stop: true }`) is not deferred: it goes out at once, and drops a start still waiting.
 * The handler's run still covers the call: when the handler returns, a start still waiting goes out at
 * once and the run ends when it did (`settle`), as it did when the handler awaited the call itself.
 */
import type { Logger } from 'pino';

export interface DeferredTyping {
  /** Asks for the indicator: sent at the end of this turn unless `supersede()` comes first. Never rejects. */
  start(): Promise<void>;
  /**
   * A message (or a stop) goes to the conversation: a start still waiting is not sent. Returns the
   * starts already on their way (undefined when none), so the message can land after them, as it did
   * when the handler awaited them. Never rejects.
   */
  supersede(): Promise<unknown> | undefined;
  /** The handler returned: a start still waiting goes now; resolves when the calls made have ended. Never rejects. */
  settle(): Promise<void>;
}

/**
 * One per Context. `send` makes the platform call (through outbound: limits, retries, the handler's
 * signal); `aborted` says whether the handler was abandoned (then nothing is sent, or logged).
 */
export function deferTyping(send: () => Promise<void>, log: Logger, aborted: () => boolean): DeferredTyping {
  let waiting: NodeJS.Immediate | undefined;
  const inFlight = new Set<Promise<void>>();
  const flush = () => {
    waiting = undefined;
    if (aborted()) return;
    const call = send()
      .catch((err: unknown) => {
        if (!aborted()) log.warn({ err }, 'typing indicator not shown');
      })
      .finally(() => inFlight.delete(call));
    inFlight.add(call);
  };
  return {
    start() {
      waiting ??= setImmediate(flush);
      return Promise.resolve();
    },
    supersede() {
      if (waiting) clearImmediate(waiting);
      waiting = undefined;
      return inFlight.size ? Promise.all(inFlight) : undefined;
    },
    async settle() {
      if (waiting) {
        clearImmediate(waiting);
        flush();
      }
      await Promise.all(inFlight);
    },
  };
}
