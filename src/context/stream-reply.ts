/**
 * `ctx.stream(source, options)`: a reply written while a model produces it.
 *
 * Where the platform has an AI indicator (Stream, local): post an empty placeholder marked
 * `ai_generated: true` (threaded like `reply`, with a deterministic id so a retried event reuses it),
 * show AI_STATE_THINKING, switch to AI_STATE_GENERATING with the first text, update the message as the
 * text grows (paced: see stream-pacer.ts), write the full text once the source ends, then clear the
 * indicator. A user's stop or `ctx.signal` aborts the source and keeps what was written; a failing
 * source ends with AI_STATE_ERROR and a short visible note (Stream's docs: ERROR instead of clear).
 *
 * Elsewhere (ACS): typing notifications while the source runs, then one message. ACS allows 10 message
 * sends/updates per 10 s and 30 per minute per thread, all kinds together: a stream editing every
 * second would spend the thread's whole budget on one answer and hold up every other bot there.
 */
import type { Logger } from 'pino';
import type { Adapter, AiIndicatorUpdate, ConversationRef, OutgoingMessage, SentMessage } from '../adapters/adapter.ts';
import type { Outbound } from '../outbound/outbound.ts';
import type { StopHandle } from '../runtime/stream-stops.ts';
import type { SendIdentity } from './outgoing.ts';
import { PartialUpdatePacer } from './stream-pacer.ts';
import type { StreamingServices, StreamOutcome, StreamProgress } from './streaming.ts';
import { openTextSource, type TextReader, type TextSourceInput } from './text-source.ts';

export interface StreamOptions {
  /** Thread parent. Default: like `reply()` (the event message's thread); `null` posts to the conversation. */
  parentId?: string | null;
  /** Custom fields on the message (`ai_generated: true` is always added). */
  data?: Record<string, unknown>;
  /** At least this long between partial updates (default: `streaming.updateIntervalMs` in bot.config.ts). */
  updateIntervalMs?: number;
  /** The note that ends the message when the source fails. */
  errorNote?: string;
  /** Longest text written (default 5,000 characters: Stream's default message limit); the rest is cut. */
  maxLength?: number;
}

/** What `ctx.stream()` resolves to once the message is final. */
export interface StreamedMessage extends SentMessage {
  /** The final text, as written to the message. */
  text: string;
  /** `stopped`: a user stopped it; `aborted`: `ctx.signal` (timeout) or the runtime stopping did; `error`: the source failed. */
  outcome: StreamOutcome;
  /** What the source threw, when `outcome` is `error`. */
  error?: unknown;
  /** Partial updates that landed before the final one. */
  partialUpdates: number;
}

export interface StreamReplyDeps {
  adapter: Adapter;
  conversation: ConversationRef;
  outbound: Outbound;
  log: Logger;
  /** `ctx.signal`. */
  signal: AbortSignal;
  /** Where the reply goes by default (the event message's thread), like `reply()`. */
  replyParentId: string | undefined;
  /** What makes the next message the same one on every try of the run (a client id on Stream, a send key on ACS). */
  identity(): SendIdentity;
  streaming: StreamingServices;
  bot: string;
  eventId: string;
  onSent?(conversation: ConversationRef): void;
}

export const DEFAULT_ERROR_NOTE = '⚠️ Something went wrong while writing this answer.';
const STOPPED_EMPTY = '(stopped)';
/** Clients drop a typing indicator after a few seconds (ACS's SDK sends at most one per 8 s anyway). */
const TYPING_REFRESH_MS = 8_000;
const ABORTED = Symbol('aborted');

interface ReadResult {
  text: string;
  outcome: StreamOutcome;
  error?: unknown;
}

/** Reads the source to its end, an abort, an error or `maxLength`, telling `onText` the whole text after each chunk. */
async function readAll(reader: TextReader, abort: AbortSignal, stop: AbortSignal, maxLength: number, onText: (text: string) => void): Promise<ReadResult> {
  const aborted = new Promise<typeof ABORTED>((resolve) => {
    if (abort.aborted) resolve(ABORTED);
    else abort.addEventListener('abort', () => resolve(ABORTED), { once: true });
  });
  let text = '';
  try {
    for (;;) {
      const next = reader.next();
      const chunk = await Promise.race([next, aborted]);
      if (chunk === ABORTED) {
        next.catch(() => undefined);
        reader.cancel();
        return { text, outcome: stop.aborted ? 'stopped' : 'aborted' };
      }
      if (chunk === undefined) return { text, outcome: 'complete' };
      if (!chunk) continue;
      text += chunk;
      if (text.length > maxLength) {
        reader.cancel();
        text = `${text.slice(0, maxLength - 1)}…`;
        onText(text);
        return { text, outcome: 'complete' };
      }
      onText(text);
    }
  } catch (error) {
    reader.cancel();
    return { text, outcome: 'error', error };
  }
}

function finalText(result: ReadResult, note: string): string {
  if (result.outcome === 'error') return result.text ? `${result.text}\n\n${note}` : note;
  if (!result.text && (result.outcome === 'stopped' || result.outcome === 'aborted')) return STOPPED_EMPTY;
  return result.text;
}

const NO_STOP: StopHandle = { signal: new AbortController().signal, check: async () => undefined, close: () => undefined };

export async function streamReply(deps: StreamReplyDeps, input: TextSourceInput, options: StreamOptions = {}): Promise<StreamedMessage> {
  const { adapter, conversation, outbound, streaming } = deps;
  // A source of the wrong shape is a programming error: say so before anything is posted.
  const early = typeof input === 'function' ? undefined : await openTextSource(input, deps.signal);
  const parentId = options.parentId === null ? undefined : (options.parentId ?? deps.replyParentId);
  const note = options.errorNote ?? DEFAULT_ERROR_NOTE;
  const maxLength = options.maxLength ?? 5000;
  const base = { bot: deps.bot, eventId: deps.eventId, conversation };
  const observe = (p: Omit<StreamProgress, 'bot' | 'eventId' | 'conversation'>) => streaming.observe?.({ ...base, ...p });
  const message = (text: string, identity: SendIdentity): OutgoingMessage => ({
    ...identity,
    text,
    ...(parentId ? { parentId } : {}),
    data: { ...options.data, ai_generated: true },
  });

  const stop = (await streaming.stops?.open(conversation)) ?? NO_STOP;
  // The handler's signal, a user's stop, or the runtime stopping: each ends the reading, keeping the text.
  const abort = AbortSignal.any([deps.signal, stop.signal, ...(streaming.closing ? [streaming.closing] : [])]);
  let reading = false;
  const open = async (): Promise<TextReader> => {
    reading = true;
    return early ?? openTextSource(input, abort);
  };
  try {
    const live = adapter.capabilities.has('aiIndicator') && adapter.capabilities.has('edit') && adapter.aiIndicator && adapter.editMessage;
    if (!live) return await sendOnce();

    const placeholder = await outbound.run(adapter, 'send', conversation, (a) => a.send(conversation, message('', deps.identity())));
    deps.onSent?.(conversation);
    const messageId = placeholder.id;
    observe({ phase: 'started', messageId });
    const indicate = async (state: AiIndicatorUpdate['state'], text?: string) => {
      observe({ phase: 'indicator', messageId, state });
      try {
        await outbound.run(adapter, 'aiIndicator', conversation, (a) => a.aiIndicator!(conversation, { messageId, state, ...(text ? { message: text } : {}) }));
      } catch (err) {
        deps.log.warn({ err, messageId, state }, 'ctx.stream: could not update the AI indicator; the message itself is unaffected');
      }
    };
    await indicate('AI_STATE_THINKING');

    const intervalMs = options.updateIntervalMs ?? streaming.settings.updateIntervalMs;
    const pacer = new PartialUpdatePacer({
      intervalMs,
      request: (grant) => streaming.requestPartialUpdate(adapter.platform, grant),
      send: async (text) => {
        await outbound.run(adapter, 'edit', conversation, (a) => a.editMessage!(conversation, messageId, { text }));
        observe({ phase: 'update', messageId, text });
      },
      onError: (err) => deps.log.warn({ err, messageId }, 'ctx.stream: a partial update failed; the next one carries the text'),
    });
    // Stops seen by other instances reach us through the state store, read once per interval.
    const ticker = setInterval(() => void stop.check(), intervalMs);
    let generating: Promise<void> | undefined;
    let result: ReadResult;
    try {
      const reader = await open().catch((error: unknown) => ({ failed: error }));
      result =
        'failed' in reader
          ? { text: '', outcome: 'error', error: reader.failed }
          : await readAll(reader, abort, stop.signal, maxLength, (text) => {
              generating ??= indicate('AI_STATE_GENERATING');
              pacer.offer(text);
            });
    } finally {
      clearInterval(ticker);
      await pacer.close();
      // The GENERATING event must land before CLEAR or ERROR, or the indicator would stay on.
      await generating;
    }

    const text = finalText(result, note);
    await outbound.run(adapter, 'edit', conversation, (a) => a.editMessage!(conversation, messageId, { text }));
    if (result.outcome === 'error') {
      deps.log.error({ err: result.error, messageId }, 'ctx.stream: the source failed; the message ends with a note');
      await indicate('AI_STATE_ERROR', note);
    } else {
      await indicate('clear');
    }
    observe({ phase: 'finished', messageId, text, outcome: result.outcome });
    return { id: messageId, conversation, text, outcome: result.outcome, ...(result.error !== undefined ? { error: result.error } : {}), partialUpdates: pacer.updates };
  } finally {
    stop.close();
    // The placeholder (or something before the reading) failed: release the source too.
    if (!reading) early?.cancel();
  }

  /** No indicator here: typing while the source runs, then one message. */
  async function sendOnce(): Promise<StreamedMessage> {
    observe({ phase: 'started' });
    const typing = adapter.capabilities.has('typing') && adapter.typing ? () => {
      outbound.run(adapter, 'typing', conversation, (a) => a.typing!(conversation, parentId ? { parentId } : {})).catch((err: unknown) => {
        deps.log.warn({ err }, 'ctx.stream: typing notification failed');
      });
    } : undefined;
    typing?.();
    const refresh = typing ? setInterval(typing, TYPING_REFRESH_MS) : undefined;
    let result: ReadResult;
    try {
      const reader = await open().catch((error: unknown) => ({ failed: error }));
      result = 'failed' in reader ? { text: '', outcome: 'error', error: reader.failed } : await readAll(reader, abort, stop.signal, maxLength, () => undefined);
    } finally {
      clearInterval(refresh);
    }
    if (result.outcome === 'error') deps.log.error({ err: result.error }, 'ctx.stream: the source failed; the message ends with a note');
    const text = finalText(result, note);
    const sent = await outbound.run(adapter, 'send', conversation, (a) => a.send(conversation, message(text, deps.identity())));
    deps.onSent?.(conversation);
    observe({ phase: 'finished', messageId: sent.id, text, outcome: result.outcome });
    return { ...sent, text, outcome: result.outcome, ...(result.error !== undefined ? { error: result.error } : {}), partialUpdates: 0 };
  }
}
