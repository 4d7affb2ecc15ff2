/**
 * The Stream emulator and AI replies, driven by the real stream-chat SDK: the bot's indicator events
 * and partial updates are recorded and delivered by webhook; a user's client can stop the reply; the
 * thread replies page back with id_lt, as clients load older replies.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { StreamChat } from 'stream-chat';
import type { StreamEmulator } from '../../../src/emulator/stream/index.ts';
import { streamUserClient, watchedChannel } from '../../helpers/stream-user.ts';
import { emulatorWithClient, startReceiver, type Receiver } from './helpers.ts';

type Loose = any;
let emu: StreamEmulator;
let client: StreamChat;
let receiver: Receiver;

afterEach(async () => {
  await emu?.close();
  await receiver?.close();
});

async function setup() {
  receiver = await startReceiver();
  ({ emu, client } = await emulatorWithClient());
  await client.upsertUsers([{ id: 'bot' }, { id: 'kim' }]);
  const channel = client.channel('messaging', 'ai', { created_by_id: 'kim', members: ['kim', 'bot'] } as Loose);
  await channel.create();
  await client.updateAppSettings({ webhook_url: receiver.url });
  return channel;
}

const delivered = () => receiver.received.map((r) => JSON.parse(r.body.toString('utf8')) as Record<string, any>);

describe('Stream emulator: AI replies', () => {
  it("records the bot's indicator states and every partial update, and delivers them by webhook", async () => {
    const channel = await setup();
    await channel.sendMessage({ id: 'ai-1', text: '', ai_generated: true, user_id: 'bot' } as Loose);
    await channel.sendEvent({ type: 'ai_indicator.update', ai_state: 'AI_STATE_THINKING', message_id: 'ai-1', user_id: 'bot' } as Loose);
    expect(emu.ai.indicator('messaging:ai')).toMatchObject({ state: 'AI_STATE_THINKING', messageId: 'ai-1', userId: 'bot' });
    await channel.sendEvent({ type: 'ai_indicator.update', ai_state: 'AI_STATE_GENERATING', message_id: 'ai-1', user_id: 'bot' } as Loose);
    await client.partialUpdateMessage('ai-1', { set: { text: 'Hello' } }, 'bot');
    await client.partialUpdateMessage('ai-1', { set: { text: 'Hello there' } }, 'bot');
    await channel.sendEvent({ type: 'ai_indicator.clear', message_id: 'ai-1', user_id: 'bot' } as Loose);

    expect(emu.ai.indicator('messaging:ai')).toBeUndefined();
    expect(emu.ai.indicatorEvents('messaging:ai').map((e) => [e.type, e.state])).toEqual([
      ['ai_indicator.update', 'AI_STATE_THINKING'],
      ['ai_indicator.update', 'AI_STATE_GENERATING'],
      ['ai_indicator.clear', undefined],
    ]);
    expect(emu.ai.revisions('ai-1').map((r) => r.text)).toEqual(['', 'Hello', 'Hello there']);
    expect(emu.state.message('ai-1')).toMatchObject({ text: 'Hello there', ai_generated: true });

    await emu.webhooksIdle();
    const hooks = delivered().filter((b) => b.type.startsWith('ai_indicator.') || b.message_id === 'ai-1');
    expect(hooks.map((b) => b.type)).toEqual(['message.new', 'ai_indicator.update', 'ai_indicator.update', 'message.updated', 'message.updated', 'ai_indicator.clear']);
    expect(hooks[1]).toMatchObject({ cid: 'messaging:ai', channel_type: 'messaging', channel_id: 'ai', message_id: 'ai-1', ai_state: 'AI_STATE_THINKING', user: { id: 'bot' } });
  });

  it("a user's client stops the reply (channel.stopAIResponse): recorded, on the feed and delivered by webhook", async () => {
    await setup();
    const kim = await streamUserClient(emu, 'kim');
    const onFeed = emu.waitForEvent('ai_indicator.stop');
    await (await watchedChannel(kim, 'messaging:ai')).stopAIResponse();

    expect(await onFeed).toMatchObject({ type: 'ai_indicator.stop', cid: 'messaging:ai', user: { id: 'kim' } });
    expect(emu.ai.indicatorEvents('messaging:ai')).toEqual([expect.objectContaining({ type: 'ai_indicator.stop', userId: 'kim' })]);
    await emu.webhooksIdle();
    expect(delivered().find((b) => b.type === 'ai_indicator.stop')).toMatchObject({ cid: 'messaging:ai', channel_id: 'ai', user: { id: 'kim' } });
  });

  it('thread replies page back with id_lt', async () => {
    const channel = await setup();
    await channel.sendMessage({ id: 'p', text: 'parent', user_id: 'kim' } as Loose);
    for (let i = 1; i <= 5; i++) await channel.sendMessage({ id: `r${i}`, text: `reply ${i}`, parent_id: 'p', user_id: 'kim' } as Loose);
    const newest = await channel.getReplies('p', { limit: 2 });
    expect(newest.messages.map((m) => m.id)).toEqual(['r4', 'r5']);
    const older = await channel.getReplies('p', { limit: 2, id_lt: 'r4' });
    expect(older.messages.map((m) => m.id)).toEqual(['r2', 'r3']);
  });
});
