/**
 * Conformance of the ACS emulator's answers to the published Chat (2025-03-15) and Identity (2023-10-01)
 * swagger (read from ../shared/specs, never copied): the real Azure SDKs drive the quickstart calls and a
 * pipeline policy taps each answer, checked against the operation's documented status and schema.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ChatClient } from '@azure/communication-chat';
import { AzureCommunicationTokenCredential } from '@azure/communication-common';
import { CommunicationIdentityClient } from '@azure/communication-identity';
import type { PipelinePolicy, PipelineRequest, PipelineResponse } from '@azure/core-rest-pipeline';
import { startAcsEmulator, type AcsEmulator } from '../../../src/emulator/acs/index.ts';
import { COMMON_ALLOWANCES, judge, printReport, type Allowance, type Row } from '../../support/conformance/report.ts';
import { check } from '../../support/conformance/schema.ts';
import { describeSpec, loadSpec, specsPresent, type Spec } from '../../support/conformance/specs.ts';

const CHAT = 'acs/Chat/stable/2025-03-15/communicationserviceschat.json';
const IDENTITY = 'acs/Identity/stable/2023-10-01/CommunicationIdentity.json';

const ALLOWANCES: Allowance[] = [
  ...COMMON_ALLOWANCES,
  // Recorded real answers (shared/specs/acs/recordings) carry identifiers as { rawId, communicationUser } only.
  { test: (m) => m.kind === 'missing' && m.field.endsWith('.kind'), why: 'the service omits identifier kind (recorded responses), though the spec says it is returned' },
  { test: (m) => m.kind === 'status' && Number(m.emulator) === 404, why: 'the spec lists no 404; the service answers 404 NotFound for a missing thread or message' },
  { test: (m) => m.kind === 'extra' && m.field.endsWith('messagingPolicy'), why: 'recorded create-thread answers carry messagingPolicy, which the spec does not list' },
];

describeSpec(CHAT, 'ACS emulator', () => {
  let emulator: AcsEmulator;
  const rows: Row[] = [];
  let checked = 0;

  beforeAll(async () => {
    const specs: Spec[] = [loadSpec(CHAT), ...(specsPresent(IDENTITY) ? [loadSpec(IDENTITY)] : [])];
    emulator = await startAcsEmulator();
    const tap: PipelinePolicy = {
      name: 'conformance-tap',
      async sendRequest(request, next) {
        let response: PipelineResponse;
        try {
          response = await next(request);
        } catch (error) {
          // An error status is thrown from inside the pipeline (deserialization); its response rides along.
          const failed = (error as { response?: PipelineResponse }).response;
          if (failed) record(request, failed);
          throw error;
        }
        record(request, response);
        return response;
      },
    };
    const record = (request: PipelineRequest, response: PipelineResponse) => {
      const path = new URL(request.url).pathname;
      const found = specs.map((s) => ({ spec: s, op: s.find(request.method, path) })).find((x) => x.op);
      if (!found) {
        rows.push(...judge(`${request.method} ${path}`, [{ field: '', spec: 'no such route', emulator: `HTTP ${response.status}`, kind: 'route' }], ALLOWANCES));
        return;
      }
      const { spec, op } = found as { spec: Spec; op: NonNullable<ReturnType<Spec['find']>> };
      const name = `${op.id} ${request.method} ${op.template}`;
      if (!op.statuses.includes(String(response.status)) && !(response.status >= 400 && op.statuses.includes('default'))) {
        rows.push(...judge(name, [{ field: '', spec: `status ${op.statuses.join('|')}`, emulator: String(response.status), kind: 'status' }], ALLOWANCES));
      }
      const schema = op.schema(response.status);
      if (schema && response.bodyAsText) {
        checked++;
        rows.push(...judge(name, check(JSON.parse(response.bodyAsText), schema, spec.resolve), ALLOWANCES));
      }
    };
    const options = { tlsOptions: { ca: emulator.caPem }, additionalPolicies: [{ policy: tap, position: 'perCall' as const }] };
    const identity = new CommunicationIdentityClient(emulator.connectionString, options);
    const { user: alice, token } = await identity.createUserAndToken(['chat']);
    const bob = await identity.createUser();
    await identity.getToken(bob, ['chat', 'voip'], { tokenExpiresInMinutes: 60 });
    await identity.getToken({ communicationUserId: '8:acs:nobody' }, ['chat']).catch(() => undefined);
    const chat = new ChatClient(emulator.endpoint, new AzureCommunicationTokenCredential(token), options);
    const created = await chat.createChatThread({ topic: 'conformance' }, { participants: [{ id: alice, displayName: 'Alice' }, { id: { communicationUserId: '8:acs:ghost' } }] });
    const thread = chat.getChatThreadClient(created.chatThread!.id);
    await thread.getProperties();
    const sent = await thread.sendMessage({ content: 'hello' }, { senderDisplayName: 'Alice', metadata: { k: 'v' } });
    await thread.sendMessage({ content: '<b>hi</b>' }, { type: 'html' });
    await thread.getMessage(sent.id);
    await thread.updateMessage(sent.id, { content: 'hello, edited' });
    for await (const page of thread.listMessages({ maxPageSize: 2 }).byPage()) void page;
    await thread.addParticipants({ participants: [{ id: bob, displayName: 'Bob', shareHistoryTime: new Date() }] });
    for await (const page of thread.listParticipants({ maxPageSize: 1 }).byPage()) void page;
    await thread.sendReadReceipt({ chatMessageId: sent.id });
    for await (const page of thread.listReadReceipts().byPage()) void page;
    await thread.sendTypingNotification();
    await thread.updateTopic('conformance, renamed');
    await thread.removeParticipant(bob);
    for await (const page of chat.listChatThreads({ maxPageSize: 1 }).byPage()) void page;
    await thread.deleteMessage(sent.id);
    await thread.getMessage('1').catch(() => undefined);
    await chat.deleteChatThread(created.chatThread!.id);
    for await (const page of chat.listChatThreads().byPage()) void page;
    await identity.revokeTokens(bob);
    await identity.deleteUser(bob);
    printReport('acs', 'ACS conformance', rows, checked);
  });
  afterAll(() => emulator?.close());

  it('checked the answers of every operation driven', () => {
    expect(checked).toBeGreaterThan(16);
    expect(rows.filter((r) => r.kind === 'route')).toEqual([]);
  });

  it('every spec-required field is present, with the documented type, on a documented status', () => {
    const failures = rows.filter((r) => r.verdict === 'fail').map((r) => `${r.endpoint} | ${r.field} | ${r.spec} | ${r.emulator}`);
    expect(failures).toEqual([]);
  });
});
