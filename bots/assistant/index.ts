/**
 * Answers mentions with a language model's reply, streamed into the chat (`ctx.stream`), with the
 * conversation's recent messages as context (`ctx.history`). The model comes from bot.config.ts
 * (`bots.assistant.model`: any Vercel AI SDK model); without one it uses the offline stand-in.
 */
import { defineBot, z } from 'botyard';
import type { Context } from 'botyard';
import type { LanguageModel } from 'ai';
import { createOfflineModel } from './offline-model.ts';
import { toModelMessages } from './prompt.ts';

const isModel = (v: unknown) =>
  typeof v === 'string' || (typeof v === 'object' && v !== null && 'specificationVersion' in v && typeof (v as { doStream?: unknown }).doStream === 'function');

const config = z.object({
  /** A model from any AI SDK provider, e.g. `createOpenAICompatible({ name, baseURL })('llama3.2')`. Absent: the offline stand-in. */
  model: z
    .custom<LanguageModel>(isModel, { message: 'expected a language model from an AI SDK provider, e.g. createOpenAICompatible({ name, baseURL })(modelId)' })
    .optional(),
  system: z.string().default('You are a helpful assistant in a team chat. Answer briefly and plainly.'),
  /** How many recent messages go to the model as context. */
  historyLimit: z.number().int().min(1).max(200).default(12),
  /**
   * Where it answers: conversations as `stream:messaging:help`, a channel id or a name; `'*'` for
   * everywhere. By default only in one called `assistant`, so it does not talk over the mentions bot.
   */
  answerIn: z.array(z.string().min(1)).min(1).default(['assistant']),
  /** The offline stand-in's pause between words. */
  offlineWordDelayMs: z.number().int().min(0).default(60),
});

type AssistantConfig = z.infer<typeof config>;

/** Whether an entry of `answerIn` names this conversation: `*`, `platform:id`, the id, a Stream channel's id without its type, or its name. */
function answersIn(ctx: Context, answerIn: string[]): boolean {
  if (answerIn.includes('*')) return true;
  const { platform, id, name } = ctx.conversation;
  const names = new Set([`${platform}:${id}`, id, id.slice(id.indexOf(':') + 1), ...(name ? [name] : [])]);
  return answerIn.some((entry) => names.has(entry));
}

export default defineBot({
  name: 'assistant',
  config,
  setup(bot, settings: AssistantConfig) {
    const model = settings.model ?? createOfflineModel({ wordDelayMs: settings.offlineWordDelayMs });
    bot.onMention(async (ctx) => {
      const question = ctx.message!;
      if (!answersIn(ctx, settings.answerIn)) return;
      const thread = question.parentId;
      const history = ctx.can('history') ? await ctx.history({ limit: settings.historyLimit, ...(thread ? { thread } : {}) }) : [];
      // Loaded on the first question, not at start: the AI SDK is large and only this bot needs it.
      const { streamText } = await import('ai');
      const reply = await ctx.stream((signal) =>
        streamText({
          model,
          system: settings.system,
          messages: toModelMessages(history, question, ctx.me),
          abortSignal: signal,
          // ctx.stream logs a failed answer and shows a note; the SDK's default would print it again.
          onError: () => undefined,
        }),
      );
      ctx.log.info({ messageId: reply.id, outcome: reply.outcome, partialUpdates: reply.partialUpdates }, 'assistant answered');
    });
  },
});
