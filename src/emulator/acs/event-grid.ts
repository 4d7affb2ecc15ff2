import { randomUUID } from 'node:crypto';
import type { AcsChange, AcsModel, ParticipantRecord } from './model.ts';
import { createGridFaults, type GridFaults } from './grid-faults.ts';
import { identifierModel } from './wire.ts';

export interface EventGridSubscription {
  /** Do the SubscriptionValidationEvent handshake first (default true); subscribe rejects when it fails. */
  handshake?: boolean;
  /** Only these event types (short names, e.g. `ChatMessageReceivedInThread`). */
  eventTypes?: string[];
  headers?: Record<string, string>;
}

export interface EventGridControl {
  /** Starts delivering Event Grid–schema events to `url` (one event per POST, as an array). */
  subscribe(url: string, options?: EventGridSubscription): Promise<void>;
  unsubscribe(): void;
  /** Resolves once every queued delivery was attempted. */
  idle(): Promise<void>;
  readonly delivered: number;
  readonly failed: number;
}

interface GridEvent {
  id: string;
  topic: string;
  subject: string;
  data: Record<string, unknown>;
  eventType: string;
  eventTime: string;
  metadataVersion: '1';
  dataVersion: '1.0';
}

const iso = (ms: number) => new Date(ms).toISOString();
const participantData = (p: ParticipantRecord) => ({
  displayName: p.displayName,
  participantCommunicationIdentifier: identifierModel(p.id),
  metadata: p.metadata ?? {},
});

/** Thread-level events (`…InThread`, `ChatThread…`), shaped as the Event Grid examples show. */
function toEvent(model: AcsModel, change: AcsChange, topic: string): GridEvent | undefined {
  if (!('threadId' in change)) return undefined;
  const thread = model.threads.get(change.threadId);
  if (!thread) return undefined;
  const base = { threadId: thread.id, transactionId: randomUUID(), createTime: iso(thread.createdOn) };
  const make = (type: string, subject: string, data: Record<string, unknown>): GridEvent => ({
    id: randomUUID(), topic, subject: `thread/${thread.id}/${subject}`, data: { ...base, ...data },
    eventType: `Microsoft.Communication.${type}`, eventTime: iso(change.at), metadataVersion: '1', dataVersion: '1.0',
  });
  switch (change.kind) {
    case 'message.created':
    case 'message.updated':
    case 'message.deleted': {
      const m = change.message;
      if (!m.senderId) return undefined; // system messages surface as participant/properties events
      const data: Record<string, unknown> = {
        messageBody: m.content.message ?? '', messageId: m.id, metadata: m.metadata ?? {}, type: m.type === 'html' ? 'Html' : 'Text',
        version: m.version, senderDisplayName: m.senderDisplayName ?? '', senderCommunicationIdentifier: identifierModel(m.senderId),
        composeTime: iso(m.createdOn),
      };
      if (change.kind === 'message.created') return make('ChatMessageReceivedInThread', `sender/${m.senderId}`, data);
      if (change.kind === 'message.updated') return make('ChatMessageEditedInThread', `sender/${m.senderId}`, { ...data, editTime: iso(m.editedOn ?? change.at) });
      return make('ChatMessageDeletedInThread', `sender/${m.senderId}`, { ...data, deleteTime: iso(m.deletedOn ?? change.at) });
    }
    case 'participant.added':
      return make('ChatThreadParticipantAdded', `participantadded/${change.participant.id}`, {
        time: iso(change.at), addedByCommunicationIdentifier: identifierModel(change.by),
        participantAdded: participantData(change.participant), version: Number(change.systemMessageId),
      });
    case 'participant.removed':
      return make('ChatThreadParticipantRemoved', `participantremoved/${change.participant.id}`, {
        time: iso(change.at), removedByCommunicationIdentifier: identifierModel(change.by),
        participantRemoved: participantData(change.participant), version: Number(change.systemMessageId),
      });
    case 'thread.created':
      return make('ChatThreadCreated', `createdBy/${change.by}`, {
        createdByCommunicationIdentifier: identifierModel(change.by), properties: { topic: thread.topic }, metadata: thread.metadata ?? {},
        participants: [...thread.participants.values()].map(participantData), version: change.at,
      });
    case 'thread.updated':
      return make('ChatThreadPropertiesUpdated', `editedBy/${change.by}`, {
        editedByCommunicationIdentifier: identifierModel(change.by), editTime: iso(change.at), properties: { topic: thread.topic },
        metadata: thread.metadata ?? {}, version: change.topicMessageId ? Number(change.topicMessageId) : change.at,
      });
    case 'thread.deleted':
      return make('ChatThreadDeleted', `deletedBy/${change.by}`, {
        deletedByCommunicationIdentifier: identifierModel(change.by), deleteTime: iso(change.at), version: change.at,
      });
    default:
      return undefined;
  }
}

async function post(url: string, body: unknown, headers: Record<string, string>): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body), signal: AbortSignal.timeout(10_000) });
}

export function createEventGrid(model: AcsModel, topic: string, faults: GridFaults = createGridFaults()): EventGridControl {
  let target: { url: string; options: EventGridSubscription } | undefined;
  let chain: Promise<void> = Promise.resolve();
  let delivered = 0;
  let failed = 0;

  const deliver = async (url: string, event: GridEvent, headers: Record<string, string>) => {
    for (let attempt = 0; attempt < 4; attempt++) {
      try {
        const res = await post(url, [event], { 'aeg-event-type': 'Notification', 'aeg-subscription-name': 'BOTYARD-EMULATOR', 'aeg-delivery-count': String(attempt), ...headers });
        await res.arrayBuffer();
        if (res.ok) return void delivered++;
      } catch {
        // network error: retry like Event Grid does, with backoff
      }
      await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
    }
    failed++;
  };

  model.on('change', (change) => {
    if (!target) return;
    const event = toEvent(model, change, topic);
    if (!event) return;
    const short = event.eventType.replace('Microsoft.Communication.', '');
    if (target.options.eventTypes && !target.options.eventTypes.includes(short)) return;
    const { url, options } = target;
    // Faults (grid-faults.ts) may deliver an event twice, again as a retry, or hold a batch to reverse it.
    faults.plan(event, (e, extra) => {
      chain = chain.then(() => deliver(url, e, { ...(options.headers ?? {}), ...extra }));
    });
  });

  return {
    async subscribe(url, options = {}) {
      if (options.handshake ?? true) {
        const validationCode = randomUUID();
        const res = await post(
          url,
          [{ id: randomUUID(), topic, subject: '', data: { validationCode, validationUrl: `${url}#manual-validation-unsupported` },
            eventType: 'Microsoft.EventGrid.SubscriptionValidationEvent', eventTime: new Date().toISOString(), metadataVersion: '1', dataVersion: '2' }],
          { 'aeg-event-type': 'SubscriptionValidation', 'aeg-subscription-name': 'BOTYARD-EMULATOR', ...(options.headers ?? {}) },
        );
        const text = await res.text();
        let answer: unknown;
        try {
          answer = JSON.parse(text);
        } catch {
          answer = undefined;
        }
        if (res.status !== 200 || (answer as { validationResponse?: string } | undefined)?.validationResponse !== validationCode) {
          throw new Error(`Event Grid validation failed: ${url} answered ${res.status} ${text.slice(0, 200)}; expected 200 {"validationResponse":"${validationCode}"}.`);
        }
      }
      target = { url, options };
    },
    unsubscribe() {
      target = undefined;
    },
    async idle() {
      let seen: Promise<void>;
      do {
        seen = chain;
        await seen;
      } while (seen !== chain);
    },
    get delivered() {
      return delivered;
    },
    get failed() {
      return failed;
    },
  };
}
