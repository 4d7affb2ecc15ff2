/**
 * Streamed replies on ACS, end to end: a user acts through the real @azure/communication-chat SDK; the
 * runtime's poller finds the mention; the assistant shows typing while the model writes and then sends
 * one message (ACS allows 10 message sends/updates per 10 s per thread, so no stream of edits).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatClient, type ChatThreadClient } from '@azure/communication-chat';
import { AzureCommunicationTokenCredential } from '@azure/communication-common';
import { offlineAnswer } from '../../bots/assistant/offline-model.ts';
import type { DevStack } from '../../src/cli/dev-stack.ts';
import type { AcsChange } from '../../src/emulator/acs/model.ts';
import { waitFor } from '../helpers/wait.ts';
import { startStreamingStack } from './fixtures/streaming-stack.ts';

let stack: DevStack;
let botId: string;
let chat: ChatClient;
let kimId: string;
const changes: AcsChange[] = [];

beforeAll(async () => {
  stack = await startStreamingStack('acs', { acs: { pollMinIntervalMs: 100, pollMaxIntervalMs: 200 }, wordDelayMs: 20 });
  stack.acs!.on('change', (c) => changes.push(c));
  botId = stack.booted.runtime.adapterFor('acs')!.botUser.id;
  const kim = stack.acs!.admin.createUser('Kim');
  kimId = kim.id;
  chat = new ChatClient(stack.acs!.endpoint, new AzureCommunicationTokenCredential(kim.token), { tlsOptions: { ca: stack.acs!.caPem } });
});
afterAll(() => stack?.stop());

let n = 0;
async function thread(): Promise<ChatThreadClient> {
  const created = await chat.createChatThread(
    { topic: `streaming ${++n}` },
    { participants: [{ id: { communicationUserId: kimId }, displayName: 'Kim' }, { id: { communicationUserId: botId }, displayName: 'Botyard' }] },
  );
  return chat.getChatThreadClient(created.chatThread!.id);
}

const botTexts = (threadId: string) => stack.acs!.state.messages(threadId).filter((m) => m.senderId === botId && m.type === 'text');

describe('streamed replies on ACS', () => {
  it('a mention: typing while the model writes, then one message with the whole answer, never edited', async () => {
    const t = await thread();
    const started = performance.now();
    const { id: questionId } = await t.sendMessage({ content: '@Botyard what can you do?' }, { senderDisplayName: 'Kim' });
    const [answer] = await waitFor(() => (botTexts(t.threadId).length ? botTexts(t.threadId) : undefined), { timeoutMs: 20_000, what: 'the answer' });
    await stack.booted.runtime.idle();
    console.log(`[streaming e2e acs] mention → answer in ${Math.round(performance.now() - started)} ms`);

    expect(answer!.content).toBe(offlineAnswer('@Botyard what can you do?', 0));
    expect(answer!.metadata).toMatchObject({ 'botyard.parentId': questionId, ai_generated: 'true' });
    expect(botTexts(t.threadId)).toHaveLength(1);
    expect(changes.filter((c) => c.kind === 'message.updated' && c.threadId === t.threadId)).toEqual([]);
    const typing = changes.filter((c) => c.kind === 'typing' && c.threadId === t.threadId && c.userId === botId);
    const created = changes.find((c) => c.kind === 'message.created' && c.message.id === answer!.id)!;
    expect(typing.length).toBeGreaterThanOrEqual(1);
    expect(typing[0]!.at).toBeLessThanOrEqual(created.at);
    // ctx.history read the thread through listMessages, as the model's context.
    expect(stack.acs!.counters()['messages.list']).toBeGreaterThan(0);
  });

  it('a failing source: one message with what was written and the note', async () => {
    const t = await thread();
    await t.sendMessage({ content: '/broken' }, { senderDisplayName: 'Kim' });
    await waitFor(() => botTexts(t.threadId).length >= 2, { timeoutMs: 20_000, what: 'both answers' });
    expect(botTexts(t.threadId).map((m) => m.content).sort()).toEqual(['Half an answer\n\n⚠️ Something went wrong while writing this answer.', 'the other handler still answers']);
  });
});
