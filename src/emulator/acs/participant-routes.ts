import type { EmulatorCore } from './core.ts';
import { route, type Route, type RouteContext } from './router.ts';
import { participantWire } from './serialize.ts';
import { sortParticipants } from './thread-routes.ts';
import { badRequest, identifierId, identifierModel, isoSeconds, notFound, pageSize } from './wire.ts';

/** A skip/maxPageSize page with a nextLink of the same form the service uses (`?skip=2&maxPageSize=2&api-version=…`). */
function skipPage<T>(ctx: RouteContext, items: T[], path: string): { value: T[]; nextLink?: string } {
  const q = ctx.url.searchParams;
  const size = pageSize(q.get('maxPageSize'), 100, 200);
  const skip = q.get('skip') ? Number(q.get('skip')) : 0;
  if (!Number.isInteger(skip) || skip < 0) throw badRequest('skip must be a non-negative integer.', 'skip');
  const value = items.slice(skip, skip + size);
  if (skip + size >= items.length) return { value };
  const next = new URLSearchParams({ skip: String(skip + size), maxPageSize: String(size), 'api-version': q.get('api-version') ?? '' });
  return { value, nextLink: `${ctx.origin}${path}?${next}` };
}

/** Participants (list, add, remove), read receipts (send, list) and typing. */
export function participantRoutes(core: EmulatorCore): Route[] {
  return [
    route('GET', '/chat/threads/{id}/participants', 'participants.list', 'bearer', (ctx) => {
      const thread = core.memberThread(ctx.params[0]!, ctx.caller);
      const all = [...thread.participants.values()].map(participantWire);
      return { status: 200, body: skipPage(ctx, all, `chat/threads/${thread.id}/participants`) };
    }),

    route('POST', '/chat/threads/{id}/participants/:add', 'participants.add', 'bearer', (ctx) => {
      const thread = core.memberThread(ctx.params[0]!, ctx.caller);
      const body = ctx.json<{ participants?: unknown }>();
      const { valid, invalid } = sortParticipants(core, body.participants);
      if (thread.participants.size + valid.filter((p) => !thread.participants.has(p.id)).length > 250) {
        throw badRequest('A thread holds at most 250 participants.', 'participants');
      }
      core.model.addParticipants(thread, ctx.caller.id, valid);
      // The real service answers `201 {}` when every participant was added.
      return { status: 201, body: invalid.length ? { invalidParticipants: invalid } : {} };
    }),

    route('POST', '/chat/threads/{id}/participants/:remove', 'participants.remove', 'bearer', (ctx) => {
      const thread = core.memberThread(ctx.params[0]!, ctx.caller);
      const id = identifierId(ctx.json());
      if (!id) throw badRequest('The body must be a communication identifier.');
      core.model.removeParticipant(thread, ctx.caller.id, id);
      return { status: 204 };
    }),

    route('POST', '/chat/threads/{id}/readReceipts', 'readReceipts.send', 'bearer', (ctx) => {
      const thread = core.memberThread(ctx.params[0]!, ctx.caller);
      const { chatMessageId } = ctx.json<{ chatMessageId?: unknown }>();
      if (typeof chatMessageId !== 'string') throw badRequest('chatMessageId is required.', 'chatMessageId');
      if (!thread.messages.some((m) => m.id === chatMessageId)) throw notFound('Message', chatMessageId);
      core.model.readReceipt(thread, ctx.caller.id, chatMessageId);
      return { status: 200 };
    }),

    route('GET', '/chat/threads/{id}/readReceipts', 'readReceipts.list', 'bearer', (ctx) => {
      const thread = core.memberThread(ctx.params[0]!, ctx.caller);
      const all = [...thread.readReceipts.entries()].map(([userId, r]) => ({
        senderCommunicationIdentifier: identifierModel(userId),
        chatMessageId: r.chatMessageId,
        readOn: isoSeconds(r.readOn),
      }));
      return { status: 200, body: skipPage(ctx, all, `chat/threads/${thread.id}/readReceipts`) };
    }),

    route('POST', '/chat/threads/{id}/typing', 'typing.send', 'bearer', (ctx) => {
      const thread = core.memberThread(ctx.params[0]!, ctx.caller);
      const { senderDisplayName } = ctx.json<{ senderDisplayName?: unknown }>();
      core.model.typing(thread, ctx.caller.id, typeof senderDisplayName === 'string' ? senderDisplayName : undefined);
      return { status: 200 };
    }),
  ];
}
