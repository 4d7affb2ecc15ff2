import type { EmulatorCore } from './core.ts';
import type { NewParticipant, ThreadRecord } from './model.ts';
import { route, type Route } from './router.ts';
import { threadItemWire, threadPropertiesWire } from './serialize.ts';
import { badRequest, identifierId, notFound, pageSize, startTime } from './wire.ts';

interface WireParticipant {
  communicationIdentifier?: unknown;
  displayName?: string;
  shareHistoryTime?: string;
  metadata?: Record<string, string>;
}

/**
 * Splits requested participants into ones we can add and `invalidParticipants` (ids this resource does
 * not know: code "404", target = rawId, as the spec example shows).
 */
export function sortParticipants(core: EmulatorCore, list: unknown): { valid: NewParticipant[]; invalid: Record<string, string>[] } {
  if (!Array.isArray(list)) throw badRequest('participants must be an array.', 'participants');
  if (list.length > 200) throw badRequest('At most 200 participants per request.', 'participants');
  const valid: NewParticipant[] = [];
  const invalid: Record<string, string>[] = [];
  for (const p of list as WireParticipant[]) {
    const id = identifierId(p?.communicationIdentifier);
    if (!id) throw badRequest('Each participant needs a communicationIdentifier.', 'participants');
    if (!core.model.isKnownUser(id)) {
      invalid.push({ target: id, code: '404', message: 'Not found' });
      continue;
    }
    const share = p.shareHistoryTime ? Date.parse(p.shareHistoryTime) : undefined;
    valid.push({ id, displayName: p.displayName, shareHistoryTime: Number.isNaN(share) ? undefined : share, metadata: p.metadata });
  }
  return { valid, invalid };
}

/** When a thread last changed for a lister: its last message (or creation), or its deletion. */
const threadActivity = (t: ThreadRecord) => Math.max(t.lastMessageReceivedOn ?? t.createdOn, t.deletedOn ?? 0);

/** Threads: create (idempotent on repeatability-request-id), list, get, update, delete. */
export function threadRoutes(core: EmulatorCore): Route[] {
  const location = (origin: string, t: ThreadRecord) => `${origin}chat/threads/${encodeURIComponent(t.id).replace(/%40/g, '@')}`;
  return [
    route('POST', '/chat/threads', 'threads.create', 'bearer', (ctx) => {
      const body = ctx.json<{ topic?: unknown; participants?: unknown; metadata?: Record<string, string>; retentionPolicy?: unknown }>();
      if (typeof body.topic !== 'string' || body.topic === '') throw badRequest('topic is required.', 'topic');
      const requestId = headerValue(ctx.req.headers['repeatability-request-id']);
      const repeat = core.model.findRepeat(ctx.caller.id, requestId);
      if (repeat) return { status: 201, body: { chatThread: threadPropertiesWire(repeat) }, headers: { Location: location(ctx.origin, repeat) } };
      const { valid, invalid } = sortParticipants(core, body.participants ?? []);
      const thread = core.model.createThread(
        ctx.caller.id,
        { topic: body.topic, participants: valid, metadata: body.metadata, retentionPolicy: body.retentionPolicy },
        requestId,
      );
      const out: Record<string, unknown> = { chatThread: threadPropertiesWire(thread) };
      if (invalid.length) out.invalidParticipants = invalid;
      return { status: 201, body: out, headers: { Location: location(ctx.origin, thread) } };
    }),

    // Threads the caller belongs to, most recently active first. startTime keeps threads whose last
    // message (or creation, or deletion) is at or after it, which is what makes one cheap "what moved?"
    // call per poll. Deleted threads stay listed with deletedOn set, as the service lists them.
    route('GET', '/chat/threads', 'threads.list', 'bearer', (ctx) => {
      const q = ctx.url.searchParams;
      const size = pageSize(q.get('maxPageSize'), 100, 200);
      const since = startTime(q.get('startTime'));
      const after = q.get('syncState');
      let list = [...core.model.threads.values()].filter(
        (t) => t.participants.has(ctx.caller.id) && (since === undefined || threadActivity(t) >= since),
      );
      list.sort((a, b) => threadActivity(b) - threadActivity(a) || (a.id < b.id ? -1 : 1));
      if (after) {
        const [ms, id] = [Number(after.slice(0, after.indexOf('_'))), after.slice(after.indexOf('_') + 1)];
        list = list.filter((t) => threadActivity(t) < ms || (threadActivity(t) === ms && t.id > id));
      }
      const page = list.slice(0, size);
      const body: Record<string, unknown> = { value: page.map((t) => threadItemWire(t, core.settings.lastMessageReceivedOnPrecision)) };
      if (list.length > size) {
        const last = page.at(-1)!;
        const next = new URLSearchParams({ syncState: `${threadActivity(last)}_${last.id}`, 'api-version': ctx.url.searchParams.get('api-version') ?? '', maxPageSize: String(size) });
        if (since !== undefined) next.set('startTime', new Date(since).toISOString());
        body.nextLink = `${ctx.origin}chat/threads?${next}`;
      }
      return { status: 200, body };
    }),

    route('GET', '/chat/threads/{id}', 'threads.get', 'bearer', (ctx) => ({
      status: 200,
      body: threadPropertiesWire(core.memberThread(ctx.params[0]!, ctx.caller)),
    })),

    route('PATCH', '/chat/threads/{id}', 'threads.update', 'bearer', (ctx) => {
      const thread = core.memberThread(ctx.params[0]!, ctx.caller);
      const body = ctx.json<{ topic?: unknown; metadata?: Record<string, string>; retentionPolicy?: unknown }>();
      if (body.topic !== undefined && typeof body.topic !== 'string') throw badRequest('topic must be a string.', 'topic');
      core.model.updateThread(thread, ctx.caller.id, { topic: body.topic as string | undefined, metadata: body.metadata, retentionPolicy: body.retentionPolicy });
      return { status: 204 };
    }),

    route('DELETE', '/chat/threads/{id}', 'threads.delete', 'bearer', (ctx) => {
      const thread = core.model.threads.get(ctx.params[0]!);
      if (!thread) throw notFound('Thread', ctx.params[0]);
      if (thread.deletedOn === undefined) core.model.deleteThread(core.memberThread(thread.id, ctx.caller), ctx.caller.id);
      return { status: 204 };
    }),
  ];
}

export function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
