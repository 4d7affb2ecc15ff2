/**
 * ACS end to end: a user acts through the real @azure/communication-chat SDK over https against the
 * emulator; the runtime's poller finds the messages; the fixture bots (test/fixtures) answer through the adapter.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatClient, type ChatThreadClient } from '@azure/communication-chat';
import { AzureCommunicationTokenCredential } from '@azure/communication-common';
import { startDevStack, type DevStack } from '../../src/cli/dev-stack.ts';
import { silentLogger } from '../../src/runtime/log.ts';
import { FIXTURE_CONFIG } from '../helpers/fixtures.ts';
import { waitFor } from '../helpers/wait.ts';

let stack: DevStack;
let botId: string;
let kim: { id: string; token: string };
let chat: ChatClient;
let n = 0;

/** What the bot posted in a thread. Creating a thread adds Kim, so every thread starts with her welcome. */
const botMessages = (threadId: string, { welcomes = false } = {}) =>
  stack.acs!.state
    .messages(threadId)
    .filter((m) => m.senderId === botId && (m.type === 'text' || m.type === 'html') && (welcomes || !m.content?.includes('Welcome, @Kim')));

async function thread(): Promise<ChatThreadClient> {
  const created = await chat.createChatThread(
    { topic: `e2e ${++n}` },
    { participants: [{ id: { communicationUserId: kim.id }, displayName: 'Kim' }, { id: { communicationUserId: botId }, displayName: 'Botyard' }] },
  );
  return chat.getChatThreadClient(created.chatThread!.id);
}

beforeAll(async () => {
  stack = await startDevStack({
    env: {},
    log: silentLogger,
    port: 0,
    platforms: ['acs'],
    file: FIXTURE_CONFIG,
  });
  botId = stack.booted.runtime.adapterFor('acs')!.botUser.id;
  kim = stack.acs!.admin.createUser('Kim');
  chat = new ChatClient(stack.acs!.endpoint, new AzureCommunicationTokenCredential(kim.token), { tlsOptions: { ca: stack.acs!.caPem } });
});
afterAll(() => stack?.stop());

describe('ACS end to end', () => {
  it('"@Botyard hi" → the mentions bot marks it read and replies, linking its parent', async () => {
    const t = await thread();
    const { id: questionId } = await t.sendMessage({ content: '@Botyard what are your opening hours?' }, { senderDisplayName: 'Kim' });
    const [reply] = await waitFor(() => (botMessages(t.threadId).length ? botMessages(t.threadId) : undefined), { timeoutMs: 15_000, what: 'the bot reply' });

    const read = await t.getMessage(reply!.id);
    expect(read.content?.message).toBe('@Kim We are open Monday to Friday, 9:00 to 17:00 CET.');
    expect(read.metadata?.['botyard.parentId']).toBe(questionId);
    expect(read.senderDisplayName).toBe('Botyard');
    expect(stack.acs!.state.readReceipts(t.threadId)).toContainEqual(expect.objectContaining({ userId: botId, chatMessageId: questionId }));
  });

  it('a participant added → welcome greets them by name with the rules link', async () => {
    const t = await thread();
    const lee = stack.acs!.admin.createUser('Lee');
    await t.addParticipants({ participants: [{ id: { communicationUserId: lee.id }, displayName: 'Lee' }] });
    const greeting = await waitFor(() => botMessages(t.threadId, { welcomes: true }).find((m) => m.content?.includes('Welcome, @Lee')), { timeoutMs: 15_000, what: 'the welcome' });
    expect(greeting.content).toContain('Please have a look at the house rules.');
    expect(JSON.stringify(greeting.metadata)).toContain('https://example.com/house-rules.pdf');
  });

  it("a blocked word gets a warning (ACS lets only the sender delete it); the bot's own messages trigger nothing", async () => {
    const t = await thread();
    const { id } = await t.sendMessage({ content: 'cheap spam here' }, { senderDisplayName: 'Kim' });
    const warning = await waitFor(() => botMessages(t.threadId).find((m) => m.content?.includes('is not allowed here')), { timeoutMs: 15_000, what: 'the warning' });
    expect(warning.content).toBe('@Kim, "spam" is not allowed here. Warning 1 of 2.');
    expect(stack.acs!.state.messages(t.threadId).find((m) => m.id === id)?.deletedOn).toBeUndefined();
    // The warning itself contains "spam" but comes from the bot: after another full poll, still one warning.
    await (stack.booted.runtime.adapterFor('acs') as unknown as { pollOnce(): Promise<unknown> }).pollOnce();
    await stack.booted.runtime.idle();
    expect(botMessages(t.threadId).filter((m) => m.content?.includes('is not allowed here'))).toHaveLength(1);
  });
});
