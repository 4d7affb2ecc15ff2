/**
 * The console API's new verbs over HTTP, no browser, on the dev stack with the console fixture bots:
 * the first run, uploads through Stream's file endpoint, what ACS cannot do (501 with the reason),
 * a conversation seen through one user's eyes, the inspector's details and clear, the fault panel.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DevStack } from '../../src/cli/dev-stack.ts';
import type { ConversationSnapshot, InspectorDetail, InspectorEntry } from '../../src/console/types.ts';
import { consoleApi } from './api-client.ts';
import { startConsoleStack } from './stack.ts';

const GENERAL = encodeURIComponent('stream:messaging:general');

describe('console API', () => {
  let stack: DevStack;
  let acsKey: string;
  let acsAlice: string;
  const api = consoleApi(() => stack.url);
  const snapshot = async (key: string, as?: string) => (await api('GET', `/conversations/${key}${as ? `?as=${as}` : ''}`)).body as ConversationSnapshot;

  beforeAll(async () => {
    stack = await startConsoleStack();
    const first = await api('POST', '/first-run');
    expect(first.status).toBe(200);
    acsAlice = first.body.as.acs;
    acsKey = encodeURIComponent((await api('GET', '/conversations')).body.find((c: { platform: string }) => c.platform === 'acs').key);
  }, 60_000);
  afterAll(() => stack?.stop());

  it('the first run makes Alice and a general conversation on each platform, once', async () => {
    const again = await api('POST', '/first-run');
    expect(again.body).toMatchObject({ open: 'stream:messaging:general', as: { stream: 'alice', acs: acsAlice } });
    const conversations = (await api('GET', '/conversations')).body as Array<{ platform: string; name: string; memberCount: number }>;
    expect(conversations.map((c) => [c.platform, c.name, c.memberCount]).sort()).toEqual([['acs', 'general', 2], ['stream', 'general', 2]]);
    const state = (await api('GET', '/state')).body;
    expect(state.platforms.find((p: { name: string }) => p.name === 'acs').abilities).toMatchObject({ edit: true, react: expect.stringContaining('no reactions'), upload: expect.stringContaining('no file upload') });
  });

  it('uploads a file through the Stream channel endpoint and posts it as the user', async () => {
    const res = await fetch(`${stack.url}/console/api/conversations/${GENERAL}/uploads?as=alice&name=plan.txt&text=the%20plan`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'step one',
    });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    const message = (await snapshot(GENERAL, 'alice')).messages.find((m) => m.id === id)!;
    expect(message).toMatchObject({ text: 'the plan', user: { id: 'alice' }, attachments: [{ type: 'file', title: 'plan.txt', url: expect.stringContaining('/cdn/') }] });
    expect(await (await fetch(message.attachments[0]!.url!)).text()).toBe('step one');
  });

  it('says what ACS cannot do (501 with the reason) and refuses edits of someone else\'s message', async () => {
    const upload = await fetch(`${stack.url}/console/api/conversations/${acsKey}/uploads?as=${encodeURIComponent(acsAlice)}&name=a.txt`, { method: 'POST', body: 'x' });
    expect(upload.status).toBe(501);
    expect(((await upload.json()) as { error: string }).error).toMatch(/ACS Chat has no file upload/);
    const { body: posted } = await api('POST', `/conversations/${acsKey}/messages`, { as: acsAlice, text: 'react to this' });
    expect(await api('POST', `/conversations/${acsKey}/messages/${posted.id}/reactions`, { as: acsAlice, type: 'like' })).toMatchObject({ status: 501, body: { error: 'ACS Chat has no reactions' } });
    expect(await api('POST', `/conversations/${acsKey}/messages/${posted.id}/pin`, { as: acsAlice })).toMatchObject({ status: 501 });

    const { body: bob } = await api('POST', '/users', { platform: 'stream', name: 'Bob' });
    const { body: mine } = await api('POST', `/conversations/${GENERAL}/messages`, { as: 'alice', text: 'only Alice edits this' });
    const refused = await api('PATCH', `/conversations/${GENERAL}/messages/${mine.id}`, { as: bob.id, text: 'hijacked' });
    expect(refused).toMatchObject({ status: 403, body: { error: expect.stringMatching(/only Alice can edit/) } });
    expect(await api('PATCH', `/conversations/${GENERAL}/messages/${mine.id}`, { as: 'alice', text: 'edited by Alice' })).toMatchObject({ status: 204 });
  });

  it("a rejected message is in its sender's view only", async () => {
    const { body: carol } = await api('POST', '/users', { platform: 'stream', name: 'Carol' });
    await api('POST', `/conversations/${GENERAL}/members`, { as: 'alice', userId: carol.id });
    // Stream answers the sender with the error message (HTTP 201); nothing is stored.
    expect((await api('POST', `/conversations/${GENERAL}/messages`, { as: carol.id, text: 'forbidden fruit' })).status).toBe(201);
    const theirs = (await snapshot(GENERAL, carol.id)).messages.find((m) => m.text === 'forbidden fruit');
    expect(theirs).toMatchObject({ rejected: { notice: 'Gate says: "forbidden" is not allowed here.' }, user: { id: carol.id } });
    expect((await snapshot(GENERAL, 'alice')).messages.some((m) => m.text === 'forbidden fruit')).toBe(false);
    expect((await snapshot(GENERAL)).messages.some((m) => m.text === 'forbidden fruit')).toBe(false);
  });

  it('inspector lines open to the normalized event and raw payload, say why an event was ignored, and clear', async () => {
    await api('POST', `/conversations/${GENERAL}/messages`, { as: 'alice', text: '@Botyard inspect this' });
    await stack.booted.runtime.idle();
    await stack.stream!.webhooksIdle();
    const entries = (await api('GET', '/events')).body as InspectorEntry[];
    const mention = entries.find((e) => e.type === 'message.new' && e.text === '@Botyard inspect this')!;
    expect(mention).toMatchObject({ kind: 'event', outcome: 'accepted', bots: ['witness'] });
    const detail = (await api('GET', `/events/${encodeURIComponent(mention.id)}`)).body as InspectorDetail;
    expect(detail.event).toMatchObject({ id: mention.id, type: 'message.new', message: { text: '@Botyard inspect this' } });
    expect(detail.event).not.toHaveProperty('raw');
    expect(detail.raw).toMatchObject({ type: 'message.new', cid: 'messaging:general', message: { text: '@Botyard inspect this' } });
    const own = entries.find((e) => e.type === 'message.new' && e.outcome === 'ignored' && e.text?.includes('hello from witness'))!;
    expect(own.reason).toBe("the bot's own message: bots never handle what they sent");
    expect((await api('GET', '/events/nope')).status).toBe(404);

    expect((await api('DELETE', '/events')).status).toBe(204);
    const after = (await api('GET', '/events')).body as InspectorEntry[];
    expect(after.some((e) => e.id === mention.id)).toBe(false);
    expect((await api('GET', `/events/${encodeURIComponent(mention.id)}`)).status).toBe(404);
  });

  it("the fault panel sets rules on the emulators' admin routes, refuses bad ones, lists and clears them; every preset is a valid rule", async () => {
    expect(await api('GET', '/faults')).toMatchObject({ status: 200, body: { faults: { stream: [], acs: [] } } });
    const bad = await api('POST', '/faults', { spec: 'stream:send:418' });
    expect(bad).toMatchObject({ status: 400, body: { error: expect.stringMatching(/418/) } });
    expect(await api('POST', '/faults', { spec: 'teams:send:429' })).toMatchObject({ status: 400, body: { error: expect.stringContaining("unknown platform 'teams'") } });
    const presets = [...readFileSync(new URL('../../src/console/public/faults.js', import.meta.url), 'utf8').matchAll(/^\s*\['([^']+)', '/gm)].map((m) => m[1]!);
    expect(presets.length).toBeGreaterThanOrEqual(4);
    const set = await api('POST', '/faults', { spec: presets.join(',') });
    expect(set.status).toBe(201);
    expect(set.body.applied).toHaveLength(presets.length);
    const { body } = await api('GET', '/faults');
    expect(body.faults.stream.length + body.faults.acs.length).toBeGreaterThanOrEqual(presets.length);
    expect((await api('DELETE', '/faults?platform=acs')).status).toBe(204);
    expect((await api('GET', '/faults')).body.faults.acs).toEqual([]);
    expect((await api('DELETE', '/faults')).status).toBe(204);
    expect((await api('GET', '/faults')).body.faults).toEqual({ stream: [], acs: [] });
  });
});
