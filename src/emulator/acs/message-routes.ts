import type { EmulatorCore } from './core.ts';
import type { MessageRecord, ThreadRecord } from './model.ts';
import { route, type Route } from './router.ts';
import { messageModifiedOn, messageWire } from './serialize.ts';
import { badRequest, forbidden, notFound, pageSize, startTime } from './wire.ts';

const MAX_MESSAGE_BYTES = 28 * 1024;

function findMessage(thread: ThreadRecord, id: string): MessageRecord {
  const message = thread.messages.find((m) => m.id === id);
  if (!message) throw notFound('Message', id);
  return message;
}

/**
 * The history a participant may read: messages created at or after their shareHistoryTime. Unset is
 * the epoch (the service shows `1970-01-01T00:00:00Z`), which shares the whole history.
 */
function sharedSince(thread: ThreadRecord, callerId: string): number {
  return thread.participants.get(callerId)?.shareHistoryTime ?? 0;
}

function checkMetadata(value: unknown): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Object.values(value).some((v) => typeof v !== 'string')) {
    throw badRequest('metadata must be a map of strings.', 'metadata');
  }
  return value as Record<string, string>;
}

/**
 * Messages: send, list, get, update, delete. A participant sees the history from their shareHistoryTime.
 *
 * listMessages is newest first (descending sequenceId). `startTime` is inclusive and matches a message
 * created, edited or deleted at or after it, so a poller sees edits and deletes of messages it already
 * has; the real service's behaviour here is unverified. Pages go by an absolute nextLink that carries
 * api-version (the SDK adds nothing to it), with the thread id left unencoded as the service does.
 */
export function messageRoutes(core: EmulatorCore): Route[] {
  return [
    route('POST', '/chat/threads/{id}/messages', 'messages.send', 'bearer', (ctx) => {
      const thread = core.memberThread(ctx.params[0]!, ctx.caller);
      const body = ctx.json<{ content?: unknown; senderDisplayName?: unknown; type?: unknown; metadata?: unknown }>();
      if (typeof body.content !== 'string') throw badRequest('content is required.', 'content');
      if (Buffer.byteLength(body.content) > MAX_MESSAGE_BYTES) throw badRequest('content is larger than 28 KB.', 'content');
      const type = body.type ?? 'text';
      if (type !== 'text' && type !== 'html') throw badRequest("type must be 'text' or 'html'.", 'type');
      const message = core.model.postMessage(thread, {
        type,
        content: { message: body.content },
        senderId: ctx.caller.id,
        senderDisplayName: typeof body.senderDisplayName === 'string' ? body.senderDisplayName : undefined,
        metadata: checkMetadata(body.metadata),
      });
      const where = `${ctx.origin}chat/threads/${encodeURIComponent(thread.id)}/messages/${message.id}`;
      return { status: 201, body: { id: message.id }, headers: { Location: where } };
    }),

    route('GET', '/chat/threads/{id}/messages', 'messages.list', 'bearer', (ctx) => {
      const thread = core.memberThread(ctx.params[0]!, ctx.caller);
      const q = ctx.url.searchParams;
      const size = pageSize(q.get('maxPageSize'), 100, 200);
      const since = startTime(q.get('startTime'));
      const below = q.get('syncState') ? parseInt(q.get('syncState')!, 16) : Infinity;
      const shared = sharedSince(thread, ctx.caller.id);
      const matching: MessageRecord[] = [];
      for (let i = thread.messages.length - 1; i >= 0 && matching.length <= size; i--) {
        const m = thread.messages[i]!;
        if (m.sequenceId >= below) continue;
        if (m.createdOn < shared) continue; // from before this participant's shared history
        if (since !== undefined && messageModifiedOn(m) < since) continue;
        matching.push(m);
      }
      const page = matching.slice(0, size);
      const body: Record<string, unknown> = { value: page.map(messageWire) };
      if (matching.length > size) {
        const next = new URLSearchParams({
          syncState: page.at(-1)!.sequenceId.toString(16),
          startTime: new Date(since ?? 0).toISOString(),
          maxPageSize: String(size),
          'api-version': q.get('api-version') ?? '',
        });
        body.nextLink = `${ctx.origin}chat/threads/${thread.id}/messages?${next}`;
      }
      return { status: 200, body };
    }),

    route('GET', '/chat/threads/{id}/messages/{mid}', 'messages.get', 'bearer', (ctx) => {
      const thread = core.memberThread(ctx.params[0]!, ctx.caller);
      const message = findMessage(thread, ctx.params[1]!);
      if (message.createdOn < sharedSince(thread, ctx.caller.id)) throw notFound('Message', message.id);
      return { status: 200, body: messageWire(message) };
    }),

    route('PATCH', '/chat/threads/{id}/messages/{mid}', 'messages.update', 'bearer', (ctx) => {
      const thread = core.memberThread(ctx.params[0]!, ctx.caller);
      const message = findMessage(thread, ctx.params[1]!);
      if (message.senderId !== ctx.caller.id || message.deletedOn !== undefined) throw forbidden();
      const body = ctx.json<{ content?: unknown; metadata?: unknown }>();
      if (body.content !== undefined && typeof body.content !== 'string') throw badRequest('content must be a string.', 'content');
      core.model.editMessage(thread, message, { content: body.content as string | undefined, metadata: checkMetadata(body.metadata) });
      return { status: 204 };
    }),

    route('DELETE', '/chat/threads/{id}/messages/{mid}', 'messages.delete', 'bearer', (ctx) => {
      const thread = core.memberThread(ctx.params[0]!, ctx.caller);
      const message = findMessage(thread, ctx.params[1]!);
      if (message.senderId !== ctx.caller.id) throw forbidden();
      if (message.deletedOn === undefined) core.model.deleteMessage(thread, message);
      return { status: 204 };
    }),
  ];
}
