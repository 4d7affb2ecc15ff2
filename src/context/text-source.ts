/**
 * What `ctx.stream()` accepts as text, made into one shape: a reader of string chunks that can be
 * cancelled. Accepted: an `AsyncIterable<string>` (an async generator, the AI SDK's `textStream`), a
 * `ReadableStream<string>` (byte chunks are decoded as UTF-8), anything with a `textStream` (the AI SDK's
 * `streamText()` result as is), or a function that makes one of these from an AbortSignal, so that a
 * stop aborts the model call itself and not only the reading.
 */

type Chunk = string | Uint8Array;
type Stream = AsyncIterable<Chunk> | ReadableStream<Chunk>;

export type TextSource = Stream | { textStream: Stream };
export type TextSourceInput = TextSource | ((signal: AbortSignal) => TextSource | Promise<TextSource>);

export interface TextReader {
  /** The next chunk, or undefined at the end. Rejects with the source's own error. */
  next(): Promise<string | undefined>;
  /** Stops the source (the iterator's `return`, the stream reader's `cancel`); never throws. */
  cancel(): void;
}

const SHAPE_HELP =
  'ctx.stream(source): source must be an AsyncIterable<string>, a ReadableStream<string>, an object with a textStream ' +
  "(the AI SDK's streamText() result), or a function (signal) => one of those";

function isReadableStream(x: unknown): x is ReadableStream<Chunk> {
  return typeof (x as ReadableStream | undefined)?.getReader === 'function';
}

function isAsyncIterable(x: unknown): x is AsyncIterable<Chunk> {
  return typeof (x as AsyncIterable<unknown> | undefined)?.[Symbol.asyncIterator] === 'function';
}

/** The text of an AI SDK `fullStream`: text deltas (`text` since AI SDK 5, `textDelta` before); an error part throws. */
async function* textOfParts(parts: AsyncIterable<unknown>): AsyncGenerator<string> {
  for await (const part of parts) {
    const p = part as { type?: string; text?: unknown; textDelta?: unknown; error?: unknown };
    if (p?.type === 'text-delta') yield String(p.text ?? p.textDelta ?? '');
    else if (p?.type === 'error') throw p.error instanceof Error ? p.error : new Error(String(p.error));
  }
}

function toStream(source: unknown): Stream {
  if (isReadableStream(source) || isAsyncIterable(source)) return source;
  const full = (source as { fullStream?: unknown } | undefined)?.fullStream;
  if (isAsyncIterable(full)) return textOfParts(full);
  const inner = (source as { textStream?: unknown } | undefined)?.textStream;
  if (isReadableStream(inner) || isAsyncIterable(inner)) return inner;
  throw new TypeError(SHAPE_HELP);
}

/** Opens the source. A function is called with `signal`; a shape error or a throwing function rejects here. */
export async function openTextSource(input: TextSourceInput, signal: AbortSignal): Promise<TextReader> {
  const stream = toStream(typeof input === 'function' ? await input(signal) : input);
  const decoder = new TextDecoder();
  const text = (chunk: Chunk | undefined): string => {
    if (chunk === undefined || chunk === null) return '';
    if (typeof chunk === 'string') return chunk;
    if (chunk instanceof Uint8Array) return decoder.decode(chunk, { stream: true });
    throw new TypeError(`ctx.stream(source): chunks must be strings, got ${typeof chunk}`);
  };

  if (isReadableStream(stream)) {
    const reader = stream.getReader();
    return {
      async next() {
        const { done, value } = await reader.read();
        return done ? undefined : text(value);
      },
      cancel() {
        reader.cancel().catch(() => undefined);
      },
    };
  }
  const iterator = stream[Symbol.asyncIterator]();
  return {
    async next() {
      const { done, value } = await iterator.next();
      return done ? undefined : text(value);
    },
    cancel() {
      // An async generator suspended at an await cannot run `return` until that await settles: never wait for it here.
      Promise.resolve()
        .then(() => iterator.return?.())
        .catch(() => undefined);
    },
  };
}
