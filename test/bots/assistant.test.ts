/** The assistant bot on the test kit's local platform: streamed answers from the offline stand-in, with history as context. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTestRuntime, type TestRuntime } from 'botyard/testing';
import assistant from '../../bots/assistant/index.ts';
import { createOfflineModel, offlineAnswer } from '../../bots/assistant/offline-model.ts';

let t: TestRuntime | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

const fast = { streaming: { updateIntervalMs: 50 } };

describe('assistant bot', () => {
  it('streams the offline stand-in\'s answer into a threaded reply, growing over several updates', async () => {
    t = await createTestRuntime({ bots: [assistant], config: { ...fast, bots: { assistant: { offlineWordDelayMs: 10, answerIn: ['*'] } } } });
    const question = await t.user('kim', 'Kim').say('help', '@Botyard what can you do?');

    const [answer] = t.botMessages('help');
    expect(answer?.text).toBe(offlineAnswer('@Botyard what can you do?', 0));
    expect(answer?.text).toMatch(/^I am the offline stand-in model, not a real language model/);
    expect(answer).toMatchObject({ parentId: question.id, data: { ai_generated: true } });
    expect(t.indicators('help')).toEqual(['AI_STATE_THINKING', 'AI_STATE_GENERATING', 'clear']);
    expect(t.revisions('help', answer!.id).length).toBeGreaterThanOrEqual(5); // placeholder, ≥ 3 partial updates, final
    expect(t.runs.filter((r) => r.error)).toEqual([]);
  });

  it('gives the model the recent conversation as context (counted by the stand-in), and a thread\'s own messages in a thread', async () => {
    t = await createTestRuntime({ bots: [assistant], config: { ...fast, bots: { assistant: { offlineWordDelayMs: 0, historyLimit: 3, answerIn: ['*'] } } } });
    const kim = t.user('kim', 'Kim');
    await kim.say('help', 'first');
    await kim.say('help', 'second');
    await kim.say('help', 'third');
    const question = await kim.say('help', '@Botyard summarise please');
    // historyLimit 3: the question and the two messages before it.
    expect(t.botMessages('help')[0]?.text).toBe(offlineAnswer('@Botyard summarise please', 2));

    await kim.say('help', '@Botyard and in this thread?', { parentId: question.id });
    // The thread: the question, the first answer, and the follow-up.
    expect(t.botMessages('help')[1]?.text).toBe(offlineAnswer('@Botyard and in this thread?', 2));
  });

  it("answers by default only in a conversation called 'assistant', elsewhere where answerIn says", async () => {
    t = await createTestRuntime({ bots: [assistant], config: { ...fast, bots: { assistant: { offlineWordDelayMs: 0 } } } });
    await t.user('kim', 'Kim').say('general', '@Botyard hello?');
    await t.user('kim', 'Kim').say('assistant', '@Botyard hello?');
    expect(t.botMessages('general')).toEqual([]);
    expect(t.botMessages('assistant')).toHaveLength(1);
    await t.stop();

    t = await createTestRuntime({ bots: [assistant], config: { ...fast, bots: { assistant: { offlineWordDelayMs: 0, answerIn: ['local:help', 'team'] } } } });
    for (const room of ['help', 'team', 'assistant']) await t.user('kim', 'Kim').say(room, '@Botyard hello?');
    expect(['help', 'team', 'assistant'].map((room) => t!.botMessages(room).length)).toEqual([1, 1, 0]);
  });

  it('stops when a user presses Stop, keeping what it wrote', async () => {
    t = await createTestRuntime({ bots: [assistant], config: { ...fast, bots: { assistant: { offlineWordDelayMs: 30, answerIn: ['*'] } } } });
    const kim = t.user('kim', 'Kim');
    const asking = kim.say('help', '@Botyard tell me everything');
    await vi.waitFor(() => expect(t!.streams.some((s) => s.phase === 'update')).toBe(true), { timeout: 10_000 });
    await kim.stop('help');
    await asking;
    const [answer] = t.botMessages('help');
    const full = offlineAnswer('@Botyard tell me everything', 0);
    expect(answer!.text.length).toBeGreaterThan(0);
    expect(answer!.text.length).toBeLessThan(full.length);
    expect(full.startsWith(answer!.text)).toBe(true);
    expect(t.indicators('help').at(-1)).toBe('clear');
  });

  it('uses the configured model, and refuses a config value that is not one', async () => {
    const model = createOfflineModel({ wordDelayMs: 0 });
    const calls: string[] = [];
    const spy = { ...model, doStream: (options: Parameters<typeof model.doStream>[0]) => (calls.push('doStream'), model.doStream(options)) };
    t = await createTestRuntime({ bots: [assistant], config: { ...fast, bots: { assistant: { model: spy, answerIn: ['*'] } } } });
    await t.user('kim', 'Kim').say('help', '@Botyard hi');
    expect(calls).toEqual(['doStream']);
    await t.stop();
    t = undefined;

    await expect(createTestRuntime({ bots: [assistant], config: { bots: { assistant: { model: 42 } } } })).rejects.toThrow(/bots\.assistant\.model: expected a language model/);
  });
});
