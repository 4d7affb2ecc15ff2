/**
 * A `botyard dev` stack with ACS emulated and Event Grid configured, for the attack tests: raw HTTP
 * to /webhooks/acs, a record of everything ingest accepted, every handler run, and every dedupe key
 * the store was asked to write.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDevStack, type DevStack } from '../../src/cli/dev-stack.ts';
import type { FileConfigInput } from '../../src/config/schema.ts';
import type { InboundEvent } from '../../src/adapters/adapter.ts';
import type { HandlerRun } from '../../src/runtime/dispatcher.ts';
import { silentLogger } from '../../src/runtime/log.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
export const SECRET = 'grid-secret-0123456789abcdef';
export const OLD_SECRET = 'grid-old-secret-0123456789ab';

export interface GridKit {
  stack: DevStack;
  /** `http://127.0.0.1:PORT/webhooks/acs` */
  hook: string;
  accepted: InboundEvent[];
  /** Accepted events that came through Event Grid (not the poller). */
  pushed: InboundEvent[];
  runs: HandlerRun[];
  /** Handler runs for events that came through Event Grid, with the event id. */
  pushedRuns: Array<HandlerRun & { eventId: string }>;
  /** Keys starting `dedupe:` that anything tried to write, in order. */
  dedupeWrites: string[];
  botId: string;
  post(body: unknown, options?: { query?: string; headers?: Record<string, string | undefined>; method?: string; raw?: string }): Promise<{ status: number; body: any; headers: Headers }>;
  stop(): Promise<void>;
}

export async function startGridKit(options: { env?: Record<string, string>; config?: FileConfigInput } = {}): Promise<GridKit> {
  const stack = await startDevStack({
    env: { ACS_EVENTGRID_SECRET: SECRET, ...options.env },
    log: silentLogger,
    port: 0,
    platforms: ['acs'],
    config: {
      botsDir: path.join(here, 'fixtures/grid-bots'),
      acs: { pollMinIntervalMs: 200, pollMaxIntervalMs: 400 },
      // Answers are paced like the real service otherwise (10 sends per thread per 10 s): minutes of waiting.
      // The per-thread 10 s window stays whatever perMinute says; its bucket lets 5 go at once and then one
      // every 2 s (20 answers in one thread: 30 s). A burst above the window's 10 lifts that too.
      limits: { acs: { send: { perMinute: 60_000, burst: 1000 } } },
      ...options.config,
    },
  });
  const { runtime } = stack.booted;
  const accepted: InboundEvent[] = [];
  const runs: HandlerRun[] = [];
  const pushed: InboundEvent[] = [];
  const pushedRuns: GridKit['pushedRuns'] = [];
  const dedupeWrites: string[] = [];
  const viaGrid = (e: InboundEvent) => typeof (e.raw as { schema?: unknown } | undefined)?.schema === 'string';
  runtime.events.on('ingested', (e, outcome) => {
    if (outcome !== 'accepted') return;
    accepted.push(e);
    if (viaGrid(e)) pushed.push(e);
  });
  runtime.events.on('dispatched', (e, r) => {
    runs.push(...r);
    if (viaGrid(e)) pushedRuns.push(...r.map((run) => ({ ...run, eventId: e.id })));
  });
  const store = runtime.store as unknown as Record<string, (...a: unknown[]) => unknown>;
  for (const verb of ['set', 'setIfNotExists']) {
    const original = store[verb]!.bind(runtime.store);
    store[verb] = (key: unknown, ...rest: unknown[]) => {
      if (String(key).startsWith('dedupe:')) dedupeWrites.push(String(key));
      return original(key, ...rest);
    };
  }
  const queue = runtime.queue as unknown as { acceptOnce?: (e: InboundEvent, o: { dedupeKey: string }) => Promise<unknown> };
  if (queue.acceptOnce) {
    const original = queue.acceptOnce.bind(runtime.queue);
    queue.acceptOnce = (e, o) => {
      dedupeWrites.push(o.dedupeKey);
      return original(e, o);
    };
  }
  const hook = `${stack.url}/webhooks/acs`;
  return {
    stack,
    hook,
    accepted,
    pushed,
    runs,
    pushedRuns,
    dedupeWrites,
    botId: runtime.adapterFor('acs')!.botUser.id,
    async post(body, o = {}) {
      const res = await fetch(`${hook}${o.query ?? ''}`, {
        method: o.method ?? 'POST',
        headers: Object.fromEntries(Object.entries({ 'content-type': 'application/json', ...o.headers }).filter((kv): kv is [string, string] => kv[1] !== undefined)),
        ...(o.method === 'OPTIONS' ? {} : { body: o.raw ?? JSON.stringify(body) }),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // not JSON
      }
      return { status: res.status, body: parsed, headers: res.headers };
    },
    stop: () => stack.stop(),
  };
}

let n = 0;
/** A ChatMessageReceivedInThread as Event Grid sends it (the spec example's shape). */
export function messageEvent(threadId: string, senderId: string, text: string, messageId = String(Date.now() * 1000 + ++n)) {
  const sender = { rawId: senderId, communicationUser: { id: senderId } };
  return {
    id: `forged-${++n}`,
    topic: '/subscriptions/x/resourceGroups/y/providers/Microsoft.Communication/communicationServices/z',
    subject: `thread/${threadId}/sender/${senderId}`,
    data: {
      messageBody: text, messageId, metadata: {}, type: 'Text', version: messageId, senderDisplayName: 'Mallory',
      senderCommunicationIdentifier: sender, composeTime: new Date().toISOString(), threadId, transactionId: 't',
    },
    eventType: 'Microsoft.Communication.ChatMessageReceivedInThread',
    dataVersion: '1.0',
    metadataVersion: '1',
    eventTime: new Date().toISOString(),
  };
}

/** A ChatThreadParticipantAdded for `userId`. */
export function memberAddedEvent(threadId: string, userId: string, version = Date.now()) {
  const id = { rawId: userId, communicationUser: { id: userId } };
  return {
    id: `forged-${++n}`,
    topic: '/subscriptions/x',
    subject: `thread/${threadId}/participantadded/${userId}`,
    data: { time: new Date().toISOString(), addedByCommunicationIdentifier: id, participantAdded: { displayName: 'Eve', participantCommunicationIdentifier: id }, version, threadId, transactionId: 't' },
    eventType: 'Microsoft.Communication.ChatThreadParticipantAdded',
    dataVersion: '1.0',
    metadataVersion: '1',
    eventTime: new Date().toISOString(),
  };
}
