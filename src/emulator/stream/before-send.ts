/**
 * Calls the Before Message Send hook (`before_message_send_hook_url`) as Stream does, before a message
 * is stored (send, and full update):
 * - POST `{ message, user, channel (with config), request_info }`, signed like every webhook
 *   (`X-Signature`, `X-Webhook-Id`, `X-Webhook-Attempt: 1`, `X-Api-Key`); one attempt, no retries;
 * - the attempt has `before_message_send_hook_attempt_timeout_ms` (1–5000; 0 or unset: 1500 ms);
 * - answer `{ message: { type: 'error', text } }` (HTTP 200): rejected; the sender gets that error
 *   message back, nothing is stored or announced;
 * - answer `{ message: { …fields } }`: text, i18n, show_in_channel, silent, attachments and custom fields
 *   are rewritten (anything else is ignored); `{}`, `""` or another shape: unchanged;
 * - a non-2xx answer, a timeout or a network error fails open: the message is stored as sent, marked
 *   `before_message_send_failed: true`.
 * Faults (faults.ts `hookFault({ delayMs | status | timeout, count })`, which the `stream:hook:…` fault
 * rules set too) are taken here, one per call: a slow, failing or timed-out hook, each failing open.
 */
import http from 'node:http';
import https from 'node:https';
import type { Logger } from 'pino';
import { inputError } from './errors.ts';
import type { Faults } from './faults.ts';
import { MESSAGE_RESERVED, splitCustom, type ChannelRecord, type MessageRecord } from './records.ts';
import { channelResponse, renderHtml, userById } from './shapes.ts';
import type { StreamStore } from './store.ts';
import { signBody } from './webhooks.ts';

type Json = Record<string, any>;

export const DEFAULT_ATTEMPT_TIMEOUT_MS = 1500;
const NOT_REWRITABLE = new Set([...MESSAGE_RESERVED, 'before_message_send_failed', 'member', 'moderation', 'moderation_details']);
const REWRITABLE_RESERVED = ['text', 'i18n', 'show_in_channel', 'silent', 'attachments'];

/** One call of the hook, as tests and a console see it. Rejected messages live only here. */
export interface PreSendCall {
  webhookId: string;
  url: string;
  cid: string;
  userId: string;
  /** The message id, when the sender chose one or it is an edit. */
  messageId?: string;
  text: string;
  outcome: 'allowed' | 'rewritten' | 'rejected' | 'failed';
  /** What the sender got back when rejected (an error message, type `error`). */
  rejection?: Json;
  status?: number;
  error?: string;
  ms: number;
  at: string;
}

/** What a route does with the message after asking. */
export type Screened = { input: Json; rejected?: undefined } | { rejected: Json; input?: undefined };

export type PreSendScreen = (ch: ChannelRecord, input: Json, userId: string, existing?: MessageRecord) => Promise<Screened>;

/** Asks the hook about a message a route is about to store; without a hook URL the message passes as it is. */
export function screen(store: StreamStore, ch: ChannelRecord, input: Json, userId: string, existing?: MessageRecord): Promise<Screened> {
  return store.preSend ? store.preSend(ch, input, userId, existing) : Promise.resolve({ input });
}

/** Checks a `PATCH /app` value of the hook's settings; throws Stream's code 4 when it is wrong. */
export function checkPreSendSetting(key: string, value: unknown): void {
  if (key === 'before_message_send_hook_url') {
    if (value !== null && typeof value !== 'string') throw inputError('before_message_send_hook_url must be a string');
    if (value && !/^https?:\/\//.test(value)) throw inputError('before_message_send_hook_url must be an http(s) URL');
  }
  if (key === 'before_message_send_hook_attempt_timeout_ms') {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 5000) {
      throw inputError('before_message_send_hook_attempt_timeout_ms must be an integer from 0 to 5000');
    }
  }
}

function payloadMessage(store: StreamStore, ch: ChannelRecord, input: Json, existing: MessageRecord | undefined): Json {
  const mentions = Array.isArray(input.mentioned_users) ? input.mentioned_users.map((m: unknown) => (typeof m === 'string' ? m : String((m as Json)?.id ?? ''))) : [];
  const text = typeof input.text === 'string' ? input.text : '';
  return {
    ...splitCustom(input, MESSAGE_RESERVED),
    id: typeof input.id === 'string' ? input.id : existing?.id ?? '',
    text,
    html: existing ? renderHtml(text) : '',
    type: existing?.type ?? (input.parent_id ? 'reply' : 'regular'),
    attachments: Array.isArray(input.attachments) ? input.attachments : [],
    latest_reactions: [],
    own_reactions: [],
    reaction_counts: null,
    reaction_scores: null,
    reply_count: existing?.reply_count ?? 0,
    mentioned_users: mentions.map((id: string) => userById(store, id)),
    silent: input.silent === true,
    ...(input.parent_id ? { parent_id: input.parent_id, show_in_channel: input.show_in_channel === true } : {}),
    ...(existing ? { cid: ch.cid, created_at: existing.created_at, updated_at: existing.updated_at } : {}),
  };
}

function post(agents: { http: http.Agent; https: https.Agent }, url: string, body: Buffer, headers: Record<string, string>, timeoutMs: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const secure = u.protocol === 'https:';
    const req = (secure ? https : http).request(u, { method: 'POST', headers: { ...headers, 'content-length': String(body.length) }, agent: secure ? agents.https : agents.http });
    const timer = setTimeout(() => req.destroy(Object.assign(new Error(`timed out after ${timeoutMs} ms`), { code: 'ETIMEDOUT' })), timeoutMs);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => { clearTimeout(timer); resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }); });
      res.on('error', (err) => { clearTimeout(timer); reject(err); });
    });
    req.on('error', (err) => { clearTimeout(timer); reject(err); });
    req.end(body);
  });
}

/** The fields of a hook's answer that Stream applies, or undefined when the answer changes nothing. */
function rewritableFields(answer: Json): Json | undefined {
  const out: Json = {};
  for (const [k, v] of Object.entries(answer)) if (REWRITABLE_RESERVED.includes(k) || !NOT_REWRITABLE.has(k)) out[k] = v;
  return Object.keys(out).length ? out : undefined;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Installs the hook caller on `store.preSend`. Returns a function that releases its sockets. */
export function installPreSend(store: StreamStore, app: { apiKey: string; apiSecret: string }, faults: Faults, log?: Logger): () => void {
  const agents = { http: new http.Agent({ keepAlive: true, maxSockets: 256 }), https: new https.Agent({ keepAlive: true, maxSockets: 256 }) };
  store.preSend = async (ch, input, userId, existing) => {
    const url = store.app.custom.before_message_send_hook_url;
    if (typeof url !== 'string' || !url) return { input };
    const configured = Number(store.app.custom.before_message_send_hook_attempt_timeout_ms ?? 0);
    const timeoutMs = configured > 0 ? configured : DEFAULT_ATTEMPT_TIMEOUT_MS;
    const message = payloadMessage(store, ch, input, existing);
    const raw = Buffer.from(JSON.stringify({ message, user: userById(store, userId), channel: channelResponse(store, ch), request_info: { type: 'server', ip: '127.0.0.1', user_agent: 'stream-chat-js', sdk: 'stream-chat-js' } }));
    const call: PreSendCall = { webhookId: store.newId(), url, cid: ch.cid, userId, ...(message.id ? { messageId: message.id } : {}), text: message.text, outcome: 'allowed', ms: 0, at: store.nowIso() };
    const started = Date.now();
    let answer: Json | undefined;
    const fault = faults.takeHookFault();
    try {
      // A slow hook spends its delay out of the attempt's budget; a timed-out one all of it.
      const wanted = fault?.timeout ? timeoutMs : fault?.delayMs ?? 0;
      const delay = Math.min(wanted, timeoutMs);
      if (delay > 0) await sleep(delay);
      if (wanted >= timeoutMs) throw Object.assign(new Error(`timed out after ${timeoutMs} ms (${fault?.timeout ? 'timeout' : 'slow-hook'} fault)`), { code: 'ETIMEDOUT' });
      const res = fault?.status !== undefined
        ? { status: fault.status, body: '' }
        : await post(agents, url, raw, {
            'content-type': 'application/json',
            'user-agent': 'botyard-stream-emulator',
            'x-signature': signBody(raw, app.apiSecret),
            'x-webhook-id': call.webhookId,
            'x-webhook-attempt': '1',
            'x-api-key': app.apiKey,
          }, Math.max(1, timeoutMs - delay));
      call.status = res.status;
      if (res.status < 200 || res.status >= 300) throw new Error(`hook answered HTTP ${res.status}`);
      try {
        answer = res.body ? JSON.parse(res.body) : undefined;
      } catch {
        throw new Error('hook answered with a body that is not JSON');
      }
    } catch (err) {
      call.outcome = 'failed';
      call.error = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    }
    call.ms = Date.now() - started;
    const result = decideFrom(store, call, input, userId, answer);
    store.preSendCalls.push(call);
    log?.debug({ cid: ch.cid, outcome: call.outcome, ms: call.ms }, 'stream emulator before-send hook');
    store.feed.emit('preSend', call);
    return result;
  };
  return () => {
    agents.http.destroy();
    agents.https.destroy();
  };
}

/** Applies the hook's answer (or its failure) to the message a route is about to store. */
function decideFrom(store: StreamStore, call: PreSendCall, input: Json, userId: string, answer: Json | undefined): Screened {
  if (call.outcome === 'failed') return { input: { ...input, before_message_send_failed: true } };
  const reply = answer && typeof answer === 'object' && answer.message && typeof answer.message === 'object' ? (answer.message as Json) : undefined;
  if (!reply) return { input };
  if (reply.type === 'error') {
    const at = store.nowIso();
    const text = typeof reply.text === 'string' && reply.text ? reply.text : 'message rejected';
    const rejection = {
      id: typeof input.id === 'string' && input.id ? input.id : store.newId(),
      text, html: renderHtml(text), type: 'error', user: userById(store, userId), attachments: [], mentioned_users: [],
      latest_reactions: [], own_reactions: [], reaction_counts: {}, reaction_scores: {}, reply_count: 0, cid: call.cid,
      created_at: at, updated_at: at, shadowed: false, silent: false, pinned: false,
    };
    call.outcome = 'rejected';
    call.rejection = rejection;
    return { rejected: rejection };
  }
  const fields = rewritableFields(reply);
  if (!fields) return { input };
  if (Object.entries(fields).some(([k, v]) => JSON.stringify(v) !== JSON.stringify(input[k]))) call.outcome = 'rewritten';
  return { input: { ...input, ...fields } };
}
