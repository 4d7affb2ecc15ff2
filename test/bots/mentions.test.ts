import { afterEach, describe, expect, it } from 'vitest';
import { createTestRuntime, type TestRuntime } from 'botyard/testing';
import mentions from '../../bots/mentions.ts';

describe('mentions bot', () => {
  let t: TestRuntime;
  afterEach(() => t?.stop());

  it('marks read and answers in the thread from the FAQ (its typing gives way to the answer it already has)', async () => {
    t = await createTestRuntime({ bots: [mentions] });
    const question = await t.user('kim', 'Kim').say('help', '@Botyard when are you open?');

    const conv = t.conversation('help');
    expect(conv.reads.get(t.me.id)).toBe(question.id);
    // The answer is sent in the same turn as ctx.typing(): no indicator call (context/typing.ts).
    expect(conv.typing).toEqual([]);
    const [answer] = t.botMessages('help');
    expect(answer?.parentId).toBe(question.id);
    expect(answer?.text).toBe('@Kim We are open Monday to Friday, 9:00 to 17:00 CET.');
    expect(answer?.mentions.map((m) => m.id)).toEqual(['kim']);
  });

  it('answers a mention by id, with a fallback answer, inside an existing thread', async () => {
    t = await createTestRuntime({ bots: [mentions] });
    const kim = t.user('kim', 'Kim');
    const root = await kim.say('help', 'hello all');
    await kim.say('help', 'hey there', { mentions: [t.me.id], parentId: root.id });
    const [answer] = t.botMessages('help');
    expect(answer?.parentId).toBe(root.id);
    expect(answer?.text).toBe('@Kim Hi! Ask me about opening hours, support or the rules.');
  });

  it('stays quiet when not mentioned, or when another name only starts like the bot', async () => {
    t = await createTestRuntime({ bots: [mentions] });
    await t.user('kim', 'Kim').say('help', 'when are you open?');
    await t.user('kim').say('help', 'ask @Botyardian instead');
    expect(t.botMessages('help')).toEqual([]);
  });
});
