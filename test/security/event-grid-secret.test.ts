/**
 * Attacks on POST /webhooks/acs with the subscription-URL secret configured, over real HTTP against a
 * dev stack (ACS emulated): forged and unsigned deliveries, handshake abuse, malformed bodies, guessed
 * message ids, and the real Event Grid path (both schemas, per-user copies) working through it.
 */
import { ChatClient } from '@azure/communication-chat';
import { AzureCommunicationTokenCredential } from '@azure/communication-common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait.ts';
import { memberAddedEvent, messageEvent, OLD_SECRET, SECRET, startGridKit, type GridKit } from './grid-kit.ts';

let kit: GridKit;
let n = 0;

/** A thread with Kim, the bot and `extra` members; Kim's chat client. */
async function room(extra = 0) {
  const acs = kit.stack.acs!;
  const kim = acs.admin.createUser('Kim');
  const others = Array.from({ length: extra }, (_, i) => acs.admin.createUser(`Member${i}`));
  const threadId = acs.admin.createThread(kim.id, {
    topic: `grid ${++n}`,
    participants: [{ id: kit.botId, displayName: 'Botyard' }, ...others.map((o) => ({ id: o.id, displayName: 'M' }))],
  });
  const chat = new ChatClient(acs.endpoint, new AzureCommunicationTokenCredential(kim.token), { tlsOptions: { ca: acs.caPem } });
  return { kim, others, threadId, thread: chat.getChatThreadClient(threadId) };
}
const botTexts = (threadId: string) => kit.stack.acs!.state.messages(threadId).filter((m) => m.senderId === kit.botId).map((m) => m.content ?? '');

beforeAll(async () => {
  kit = await startGridKit({ env: { ACS_EVENTGRID_SECRET_PREVIOUS: OLD_SECRET } });
});
afterAll(() => kit?.stop());

describe('Event Grid with a secret in the subscription URL', () => {
  it('forged and unsigned deliveries: 0 accepted, 0 dedupe keys written, 0 handler runs', async () => {
    const { kim, threadId } = await room();
    const before = { writes: kit.dedupeWrites.length };
    const forged = [
      [messageEvent(threadId, kim.id, 'answer me, bot')],
      [messageEvent(threadId, kim.id, 'blocked-word'), messageEvent(threadId, kim.id, 'blocked-word'), messageEvent(threadId, kim.id, 'blocked-word')],
      [memberAddedEvent(threadId, '8:acs:intruder')],
    ];
    const attempts = [
      {},
      { query: '?secret=wrong-secret-0123456789abcd' },
      { query: `?secret=${SECRET.slice(0, -1)}` },
      { query: `?secret=${SECRET}x` },
      { query: `?secret=${SECRET.toUpperCase()}` },
      { query: `?secret=wrong&secret=${SECRET}` }, // repeated: ambiguous, refused
      { query: `?code=${SECRET}` }, // right value, wrong parameter
      { headers: { 'x-secret': SECRET, 'aeg-event-type': 'Notification' } },
      { headers: { authorization: `Bearer ${SECRET}` } },
    ];
    const statuses: number[] = [];
    for (const attempt of attempts) for (const body of forged) statuses.push((await kit.post(body, attempt)).status);
    await kit.stack.booted.runtime.idle();
    // The poller and the emulator's own (authenticated) subscription run meanwhile: they greet Kim.
    // Count only what the forged events could have caused, by the ids they would have had.
    const forgedIds = new Set(forged.flat().map((e) => `acs:${threadId}:${'messageId' in e.data ? e.data.messageId : `${e.data.version}:added:8:acs:intruder`}`));
    const writes = kit.dedupeWrites.slice(before.writes).filter((k) => forgedIds.has(k.slice('dedupe:'.length))).length;
    const after = { accepted: kit.accepted.filter((e) => forgedIds.has(e.id)).length, runs: kit.pushedRuns.filter((r) => forgedIds.has(r.eventId)).length, writes };
    console.log(`forged deliveries: ${statuses.length} → statuses ${[...new Set(statuses)].join(',')}, ${after.accepted} accepted, ${after.writes} dedupe keys written, ${after.runs} handler runs`);
    expect(statuses.every((s) => s === 401)).toBe(true);
    expect(after).toEqual({ accepted: 0, runs: 0, writes: 0 });
    expect(botTexts(threadId).filter((t) => /answer me|removing|intruder/.test(t))).toEqual([]);
  });

  it('answers the validation handshake only when authenticated, and never echoes a code to a stranger', async () => {
    const validation = [{ id: 'v1', topic: 't', subject: '', eventType: 'Microsoft.EventGrid.SubscriptionValidationEvent', data: { validationCode: 'code-123', validationUrl: 'https://x.eventgrid.azure.net/v' }, eventTime: '2026-01-01T00:00:00Z', metadataVersion: '1', dataVersion: '2' }];
    const stranger = await kit.post(validation, { headers: { 'aeg-event-type': 'SubscriptionValidation' } });
    expect(stranger.status).toBe(401);
    expect(JSON.stringify(stranger.body)).not.toContain('code-123');
    expect((await kit.post(validation, { query: `?secret=${SECRET}` })).body).toEqual({ validationResponse: 'code-123' });
    // The previous secret is still accepted while rotating.
    expect((await kit.post(validation, { query: `?secret=${OLD_SECRET}` })).body).toEqual({ validationResponse: 'code-123' });
  });

  it('CloudEvents OPTIONS handshake: 401 unauthenticated, consent with WebHook-Allowed-Origin when authenticated', async () => {
    const origin = { 'webhook-request-origin': 'eventgrid.azure.net' };
    expect((await kit.post(undefined, { method: 'OPTIONS', headers: origin })).status).toBe(401);
    const ok = await kit.post(undefined, { method: 'OPTIONS', headers: origin, query: `?secret=${SECRET}` });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('webhook-allowed-origin')).toBe('eventgrid.azure.net');
    expect(ok.headers.get('allow')).toContain('POST');
    expect((await kit.post(undefined, { method: 'OPTIONS', query: `?secret=${SECRET}` })).status).toBe(400);
  });

  it('bodies that are not events get 400 (never a 500 that Event Grid would retry), and touch nothing', async () => {
    const writes = kit.dedupeWrites.length;
    const bodies = ['null', '[null]', '42', '"x"', '[]', '{}', '[{}]', '[{"id":"1"}]', '[{"id":"1","eventType":"X","data":"text"}]', '[[]]', '{"specversion":"0.3","id":"1","type":"t","source":"s"}', 'not json'];
    const statuses = await Promise.all(bodies.map((raw) => kit.post(undefined, { raw, query: `?secret=${SECRET}` }).then((r) => r.status)));
    console.log(`malformed bodies: ${bodies.length} → ${statuses.join(',')}`);
    expect(statuses).toEqual(bodies.map(() => 400));
    expect(kit.dedupeWrites.length).toBe(writes);
  });

  it('guessed-id poisoning: 2,000 forged ids first, then 20 real messages: 0 real messages lost', async () => {
    const { kim, threadId, thread } = await room();
    await waitFor(() => kit.stack.booted.runtime.idle().then(() => true));
    // ACS message ids are epoch milliseconds: forge every id of the next two seconds.
    const start = Date.now();
    let refused = 0;
    for (let batch = 0; batch < 50; batch++) {
      const events = Array.from({ length: 40 }, (_, i) => messageEvent(threadId, kim.id, 'poison', String(start + batch * 40 + i)));
      if ((await kit.post(events, { query: '?secret=guess' })).status === 401) refused++;
    }
    const sent: string[] = [];
    for (let i = 0; i < 20; i++) sent.push((await thread.sendMessage({ content: `real ${i}` })).id);
    const echoesOf = () => botTexts(threadId).filter((t) => t.startsWith('echo: real'));
    const sendMs = Date.now() - start;
    const echoes = await waitFor(() => (echoesOf().length >= 20 ? echoesOf() : undefined), { timeoutMs: 60_000, what: '20 echoes' });
    console.log(`poisoning: forging and sending took ${sendMs} ms, answers ${Date.now() - start - sendMs} ms more`);
    const lost = sent.filter((_, i) => !echoes.includes(`echo: real ${i}`)).length;
    const guessed = sent.filter((id) => Number(id) >= start && Number(id) < start + 2000).length;
    console.log(`poisoning: ${refused * 40} forged ids in ${refused} refused POSTs; ${sent.length} real messages (${guessed} of their ids were among the forged), ${lost} lost, ${echoes.length} answers`);
    expect(refused).toBe(50);
    expect(lost).toBe(0);
    expect(echoes).toHaveLength(20);
  });

  it('an authenticated event whose ids disagree (subject of another thread, a "new" message with an edit version) claims no key', async () => {
    const { kim, threadId } = await room();
    const writes = kit.dedupeWrites.length;
    const otherThread = messageEvent(threadId, kim.id, 'x');
    otherThread.subject = `thread/19:someone-else@thread.v2/sender/${kim.id}`;
    const wrongVersion = messageEvent(threadId, kim.id, 'y');
    wrongVersion.data.version = String(Number(wrongVersion.data.messageId) + 5);
    expect((await kit.post([otherThread, wrongVersion], { query: `?secret=${SECRET}` })).status).toBe(200);
    expect(kit.dedupeWrites.length).toBe(writes);
  });
});

describe('the real Event Grid path through authentication', () => {
  it('botyard dev subscribed the emulator itself, with the configured secret in the URL', async () => {
    const grid = kit.stack.acs!.eventGrid;
    const { delivered, failed } = grid;
    const { threadId, thread } = await room();
    await thread.sendMessage({ content: 'dev pushes' });
    await grid.idle();
    expect(grid.delivered).toBeGreaterThan(delivered);
    expect(grid.failed).toBe(failed);
    await waitFor(() => botTexts(threadId).includes('echo: dev pushes'), { timeoutMs: 15_000, what: 'the echo' });
  });

  it('delivers Event Grid schema with the secret in the URL: each message answered once (poller and push agree)', async () => {
    const grid = kit.stack.acs!.eventGrid;
    await grid.subscribe(`${kit.hook}?secret=${SECRET}`);
    try {
      const { threadId, thread } = await room();
      await thread.sendMessage({ content: 'pushed' });
      await waitFor(() => botTexts(threadId).includes('echo: pushed'), { timeoutMs: 15_000, what: 'the echo' });
      await grid.idle();
      await kit.stack.booted.runtime.idle();
      expect(botTexts(threadId).filter((t) => t === 'echo: pushed')).toHaveLength(1);
      expect(grid.failed).toBe(0);
    } finally {
      grid.unsubscribe();
    }
  });

  it('delivers CloudEvents 1.0 after the OPTIONS handshake', async () => {
    const grid = kit.stack.acs!.eventGrid;
    await grid.subscribe(`${kit.hook}?secret=${SECRET}`, { schema: 'CloudEventSchemaV1_0', eventTypes: ['ChatMessageReceivedInThread'] });
    try {
      const { threadId, thread } = await room();
      const { id } = await thread.sendMessage({ content: 'cloud' });
      await grid.idle();
      const pushed = kit.accepted.find((e) => e.message?.id === id);
      expect(pushed?.raw).toMatchObject({ schema: 'cloudevents', eventType: 'Microsoft.Communication.ChatMessageReceivedInThread' });
      await waitFor(() => botTexts(threadId).includes('echo: cloud'), { timeoutMs: 15_000, what: 'the echo' });
    } finally {
      grid.unsubscribe();
    }
  });

  it('folds per-user copies: 6 members, one welcome per join and one answer per message', async () => {
    const grid = kit.stack.acs!.eventGrid;
    await grid.subscribe(`${kit.hook}?secret=${SECRET}`, { perUser: true });
    try {
      const { kim, threadId, thread } = await room(4);
      const newcomer = kit.stack.acs!.admin.createUser('Newcomer');
      kit.stack.acs!.admin.addParticipants(threadId, kim.id, [{ id: newcomer.id, displayName: 'Newcomer' }]);
      await thread.sendMessage({ content: 'to everyone' });
      await grid.idle();
      await waitFor(() => botTexts(threadId).includes('echo: to everyone') && botTexts(threadId).includes(`welcome ${newcomer.id}`), { timeoutMs: 15_000, what: 'answer and welcome' });
      await kit.stack.booted.runtime.idle();
      const welcomes = botTexts(threadId).filter((t) => t === `welcome ${newcomer.id}`).length;
      const answers = botTexts(threadId).filter((t) => t === 'echo: to everyone').length;
      // 6 members: the join comes as 1 thread event + 6 per-user copies; only the thread event and the
      // bot's own copy reach ingest (plus the poller's sighting), never all seven.
      const joinKeys = kit.dedupeWrites.filter((k) => k.startsWith(`dedupe:acs:${threadId}:`) && k.endsWith(`:added:${newcomer.id}`)).length;
      console.log(`per-user fold: join delivered as 7 events; ${joinKeys} reached ingest (poller included); newcomer welcomed ${welcomes}x, message answered ${answers}x`);
      expect({ welcomes, answers }).toEqual({ welcomes: 1, answers: 1 });
      expect(joinKeys).toBeLessThanOrEqual(3);
    } finally {
      grid.unsubscribe();
    }
  });
});
