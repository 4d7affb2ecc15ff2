/**
 * The offline stand-in: a tiny AI SDK language model (specification v3) that needs no account and
 * no network. It is deterministic: it says plainly what it is, quotes the question, counts the
 * messages it was given as context, and streams that answer word by word, so `botyard dev` shows a
 * streamed reply (indicator, growing text, Stop) without a real model.
 */
import type { LanguageModel } from 'ai';
import { stripSpeaker } from './prompt.ts';

type V3Model = Extract<LanguageModel, { specificationVersion: 'v3' }>;
type CallOptions = Parameters<V3Model['doStream']>[0];
type StreamPart = Awaited<ReturnType<V3Model['doStream']>>['stream'] extends ReadableStream<infer P> ? P : never;

const QUOTE_MAX = 120;

/** The stand-in's whole answer to `question`, given `earlier` messages of context before it. */
export function offlineAnswer(question: string, earlier: number): string {
  const q = question.trim().replace(/\s+/g, ' ');
  const quoted = q.length > QUOTE_MAX ? `${q.slice(0, QUOTE_MAX - 1)}…` : q;
  const context = earlier === 1 ? '1 earlier message' : `${earlier} earlier messages`;
  return (
    `I am the offline stand-in model, not a real language model: no model is configured for this assistant. ` +
    `You asked: "${quoted}". I was given ${context} of this conversation as context. ` +
    'To get real answers, set bots.assistant.model in bot.config.ts to a model from any AI SDK provider (see the README).'
  );
}

/** The question (the last user turn, speaker name removed) and how many turns came before it. */
function questionOf(prompt: CallOptions['prompt']): { question: string; earlier: number } {
  const turns = prompt.filter((m) => m.role === 'user' || m.role === 'assistant');
  const last = [...turns].reverse().find((m) => m.role === 'user');
  const text = last && Array.isArray(last.content) ? last.content.map((p) => (p.type === 'text' ? p.text : '')).join('') : '';
  return { question: stripSpeaker(text), earlier: Math.max(0, turns.length - 1) };
}

const usage = (input: number, output: number) => ({
  inputTokens: { total: input, noCache: input, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: output, text: output, reasoning: undefined },
});

export interface OfflineModelOptions {
  /** Pause between words (default 60 ms: a readable pace). */
  wordDelayMs?: number;
}

export function createOfflineModel(options: OfflineModelOptions = {}): V3Model {
  const delay = options.wordDelayMs ?? 60;
  const answerTo = (call: CallOptions) => {
    const { question, earlier } = questionOf(call.prompt);
    return offlineAnswer(question, earlier);
  };
  return {
    specificationVersion: 'v3',
    provider: 'botyard',
    modelId: 'offline-stand-in',
    supportedUrls: {},
    async doGenerate(call) {
      const text = answerTo(call);
      return { content: [{ type: 'text', text }], finishReason: { unified: 'stop', raw: 'stop' }, usage: usage(call.prompt.length, text.split(' ').length), warnings: [] };
    },
    async doStream(call) {
      const words = answerTo(call).split(' ');
      const signal = call.abortSignal;
      let timer: NodeJS.Timeout | undefined;
      const stream = new ReadableStream<StreamPart>({
        start(controller) {
          controller.enqueue({ type: 'stream-start', warnings: [] });
          controller.enqueue({ type: 'text-start', id: 't' });
          let i = 0;
          const next = () => {
            if (signal?.aborted) return controller.error(signal.reason);
            if (i < words.length) {
              controller.enqueue({ type: 'text-delta', id: 't', delta: i === 0 ? words[i]! : ` ${words[i]}` });
              i++;
              timer = setTimeout(next, delay);
              return;
            }
            controller.enqueue({ type: 'text-end', id: 't' });
            controller.enqueue({ type: 'finish', finishReason: { unified: 'stop', raw: 'stop' }, usage: usage(call.prompt.length, words.length) });
            controller.close();
          };
          signal?.addEventListener('abort', () => {
            clearTimeout(timer);
            next();
          }, { once: true });
          next();
        },
        cancel() {
          clearTimeout(timer);
        },
      });
      return { stream };
    },
  };
}
