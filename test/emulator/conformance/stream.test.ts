/**
 * Conformance of the Stream emulator's answers and webhook bodies to Stream's published OpenAPI spec
 * (read from ../shared/specs, never copied): the real stream-chat SDK drives every route the project
 * uses, an axios interceptor taps each answer, and each body is checked against its documented schema.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { StreamChat } from 'stream-chat';
import type { StreamEmulator } from '../../../src/emulator/stream/index.ts';
import { emulatorWithClient, startReceiver, type Receiver } from '../stream/helpers.ts';
import { COMMON_ALLOWANCES, judge, printReport, type Allowance, type Row } from '../../support/conformance/report.ts';
import { check } from '../../support/conformance/schema.ts';
import { describeSpec, loadSpec } from '../../support/conformance/specs.ts';

type Loose = any;
const SPEC = 'stream/chat-openapi.json';

const ALLOWANCES: Allowance[] = [
  ...COMMON_ALLOWANCES,
  { test: (m) => m.kind === 'extra', why: 'field outside the schema: custom data is flat on the wire' },
  { test: (m) => m.kind === 'missing' && m.field.split('.').pop() === 'custom', why: 'custom data is flat on the wire (SDK, webhooks), not nested' },
  { test: (m) => m.kind === 'optional-null', why: 'Stream sends null for unset optional fields (pinned_at, pinned_by, pin_expires)' },
  { test: (m) => m.kind === 'route', why: 'legacy route the SDKs call, absent from the spec' },
  { test: (m) => m.kind === 'status' && Number(m.emulator) >= 400, why: 'the spec lists only 400 and 429; the service answers 404 (code 16) for what does not exist' },
];

async function drive(client: StreamChat, emu: StreamEmulator): Promise<void> {
  await client.upsertUsers([{ id: 'john', role: 'admin', name: 'John' }, { id: 'alice', name: 'Alice' }, { id: 'bob' }]);
  await client.partialUpdateUser({ id: 'alice', set: { mood: 'happy' } as Loose });
  await client.queryUsers({ id: { $in: ['john', 'alice'] } });
  const ch = client.channel('messaging', 'general', { created_by_id: 'john', name: 'General' } as Loose);
  await ch.create();
  await client.channel('messaging', { members: ['john', 'alice'], created_by_id: 'john' } as Loose).create();
  await ch.update({ name: 'General', topic: 'x' } as Loose, { text: 'renamed', user_id: 'john' } as Loose);
  await ch.updatePartial({ set: { color: 'blue' } } as Loose);
  await ch.addMembers(['alice', 'bob'], { text: 'welcome', user_id: 'john' } as Loose);
  await ch.addModerators(['alice']);
  await ch.demoteModerators(['alice']);
  await ch.removeMembers(['bob']);
  const { message } = await ch.sendMessage({ text: 'hi @alice', user_id: 'john', mentioned_users: ['alice'], attachments: [{ type: 'image', image_url: 'https://x/a.png' }], priority: 'high' } as Loose);
  await ch.sendMessage({ text: 'reply', user_id: 'alice', parent_id: message.id } as Loose);
  await ch.sendReaction(message.id, { type: 'like', user_id: 'alice' } as Loose);
  await ch.deleteReaction(message.id, 'like', 'alice');
  await client.getMessage(message.id);
  await ch.getReplies(message.id, {});
  await client.updateMessage({ id: message.id, text: 'hi again', user_id: 'john' } as Loose);
  await client.partialUpdateMessage(message.id, { set: { priority: 'low' } as Loose }, 'john');
  await ch.query({ messages: { limit: 10 } });
  await ch.markRead({ user_id: 'alice' } as Loose);
  await ch.sendEvent({ type: 'typing.start', user_id: 'alice' } as Loose);
  await ch.queryMembers({});
  await ch.getMessagesById([message.id]);
  await client.search({ cid: 'messaging:general' }, 'hi');
  await client.queryChannels({ members: { $in: ['john'] } });
  await client.banUser('bob', { banned_by_id: 'john', reason: 'spam' });
  await client.unbanUser('bob');
  await client.flagMessage(message.id, { user_id: 'alice' } as Loose);
  await client.getAppSettings();
  await client.updateAppSettings({ webhook_url: emu.url.replace(/\/$/, '') + '/nowhere' });
  await client.updateAppSettings({ webhook_url: '' });
  await client.getRateLimits({ serverSide: true });
  await client.getChannelType('messaging');
  await client.createRole('helper');
  await client.listRoles();
  const second = await ch.sendMessage({ text: 'bye', user_id: 'alice' } as Loose);
  await client.deleteMessage(second.message.id);
  await ch.truncate({ user_id: 'john' } as Loose);
  await client.deleteUser('bob');
  await ch.delete();
  // Errors carry the APIError envelope.
  await client.getMessage('missing').catch(() => undefined);
  await ch.sendMessage({ text: 'x' } as Loose).catch(() => undefined);
}

describeSpec(SPEC, 'Stream emulator', () => {
  let emu: StreamEmulator;
  let receiver: Receiver;
  const rows: Row[] = [];
  let checked = 0;

  beforeAll(async () => {
    const spec = loadSpec(SPEC);
    let client: StreamChat;
    ({ emu, client } = await emulatorWithClient());
    receiver = await startReceiver();
    emu.setWebhookUrl(receiver.url);
    const tap = (method: string, url: string, status: number, body: unknown) => {
      const path = new URL(url).pathname;
      const endpoint = `${method.toUpperCase()} ${path}`;
      const op = spec.find(method, path);
      if (!op) return rows.push(...judge(endpoint, [{ field: '', spec: 'no such route', emulator: `HTTP ${status}`, kind: 'route' }], ALLOWANCES));
      const name = `${op.id} ${method.toUpperCase()} ${op.template}`;
      if (!op.statuses.includes(String(status))) rows.push(...judge(name, [{ field: '', spec: `status ${op.statuses.join('|')}`, emulator: String(status), kind: 'status' }], ALLOWANCES));
      const schema = op.schema(status);
      if (schema) {
        checked++;
        rows.push(...judge(name, check(body, schema, spec.resolve), ALLOWANCES));
      }
      return undefined;
    };
    client.axiosInstance.interceptors.response.use(
      (r) => (tap(r.config.method!, r.config.url!, r.status, r.data), r),
      (e) => {
        if (e.response) tap(e.config.method, e.config.url, e.response.status, e.response.data);
        return Promise.reject(e);
      },
    );
    await drive(client, emu);
    await emu.webhooksIdle();
    const mapping = (spec.named('WHEvent').discriminator as { mapping: Record<string, string> }).mapping;
    for (const req of receiver.received) {
      const body = JSON.parse(req.body.toString()) as { type: string };
      const ref = mapping[body.type];
      if (!ref) {
        rows.push(...judge(`webhook ${body.type}`, [{ field: 'type', spec: 'a WHEvent type', emulator: body.type, kind: 'route' }], ALLOWANCES));
        continue;
      }
      checked++;
      rows.push(...judge(`webhook ${body.type}`, check(body, spec.resolve(ref, spec.named('WHEvent')), spec.resolve), ALLOWANCES));
    }
    printReport('stream', 'Stream conformance', rows, checked);
  });
  afterAll(async () => {
    await receiver?.close();
    await emu?.close();
  });

  it('checked the answers of every route driven and the webhook bodies', () => {
    expect(checked).toBeGreaterThan(45);
    expect(rows.filter((r) => r.kind === 'route').map((r) => r.endpoint)).toEqual(['DELETE /users/bob']);
  });

  it('every spec-required field is present, with the documented type, on a documented status', () => {
    const failures = rows.filter((r) => r.verdict === 'fail').map((r) => `${r.endpoint} | ${r.field} | ${r.spec} | ${r.emulator}`);
    expect(failures).toEqual([]);
  });
});
