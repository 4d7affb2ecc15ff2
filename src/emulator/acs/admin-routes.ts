/**
 * The ACS emulator's admin route, `/_admin/*`, beside the ACS APIs on the same port. Signed like an
 * Identity call (HMAC-SHA256 with the connection string's access key), so only who holds the key can use
 * it. Not an ACS API: no faults or limits apply to it.
 *
 *   GET    /_admin/faults      { faults: string[] }
 *   POST   /_admin/faults      { faults: "acs:send:429x3,..." } → 201 { applied: string[] }
 *   DELETE /_admin/faults      → { cleared: true }
 *   PUT    /_admin/event-grid  { url, handshake? } → subscribes Event Grid deliveries to url (handshake first)
 *   DELETE /_admin/event-grid  → stops them
 *   POST   /_admin/say         { thread, as, text } → 201 { id, senderId }: post as a user named `as` (or
 *                              with that id), created and added to the thread when new, like the dev console
 */
import type { IncomingMessage } from 'node:http';
import type { AcsAdmin } from './admin.ts';
import type { EmulatorCore } from './core.ts';
import type { EventGridControl } from './event-grid.ts';
import type { FaultControl } from './faults.ts';
import { verifyHmac } from './hmac.ts';
import type { RouteResult } from './router.ts';
import { AcsHttpError, badRequest, notFound, unauthorized } from './wire.ts';
import { FaultSpecError } from '../fault-spec.ts';
import { applyFaults } from '../faults.ts';

export const ADMIN_PREFIX = '/_admin/';

export interface AcsAdminDeps {
  core: EmulatorCore;
  faults: FaultControl;
  eventGrid: EventGridControl;
  admin: AcsAdmin;
}

/** The user `as` names in a thread: an id, a participant's display name, a user's name; else a new user. */
function actor(deps: AcsAdminDeps, threadId: string, as: string): { id: string; name: string } {
  const { model } = deps.core;
  const thread = model.threads.get(threadId);
  if (!thread || thread.deletedOn !== undefined) throw notFound('Thread', threadId);
  const lower = as.toLowerCase();
  const byId = model.isKnownUser(as) ? as : undefined;
  const byParticipant = [...thread.participants.values()].find((p) => p.displayName?.toLowerCase() === lower)?.id;
  const byName = [...model.users.values()].find((u) => !u.deleted && u.name?.toLowerCase() === lower)?.id;
  const id = byId ?? byParticipant ?? byName ?? deps.admin.createUser(as).id;
  const name = thread.participants.get(id)?.displayName ?? model.users.get(id)?.name ?? as;
  if (!thread.participants.has(id)) deps.admin.addParticipants(threadId, thread.createdBy, [{ id, displayName: name }]);
  return { id, name };
}

export async function handleAcsAdmin(req: IncomingMessage, url: URL, body: Buffer, deps: AcsAdminDeps): Promise<RouteResult> {
  const check = verifyHmac(req, body, deps.core.accessKey, deps.core.now(), deps.core.settings.hmacMaxSkewMs);
  if (!check.ok) throw unauthorized(check.reason);
  const route = `${req.method} ${url.pathname}`;
  try {
    const input = body.length ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : {};
    switch (route) {
      case 'GET /_admin/faults':
        return { status: 200, body: { faults: deps.faults.describe() } };
      case 'DELETE /_admin/faults':
        deps.faults.clear();
        return { status: 200, body: { cleared: true } };
      case 'POST /_admin/faults':
        if (typeof input.faults !== 'string') throw badRequest('faults is a required string, e.g. "acs:send:429x3".', 'faults');
        return { status: 201, body: { applied: applyFaults({ acs: deps.faults }, input.faults) } };
      case 'PUT /_admin/event-grid':
        if (typeof input.url !== 'string' || !/^https?:\/\//.test(input.url)) throw badRequest('url is a required http(s) URL.', 'url');
        await deps.eventGrid.subscribe(input.url, { handshake: input.handshake !== false });
        return { status: 200, body: { subscribed: input.url } };
      case 'DELETE /_admin/event-grid':
        deps.eventGrid.unsubscribe();
        return { status: 200, body: { subscribed: null } };
      case 'POST /_admin/say': {
        const { thread, as, text } = input;
        if (typeof thread !== 'string' || typeof as !== 'string' || !as || typeof text !== 'string') throw badRequest('thread, as and text are required strings.');
        const sender = actor(deps, thread, as);
        const id = deps.admin.sendMessage(thread, sender.id, text, { senderDisplayName: sender.name });
        return { status: 201, body: { id, senderId: sender.id } };
      }
      default:
        throw notFound('Admin route', route);
    }
  } catch (error) {
    if (error instanceof FaultSpecError) throw badRequest(error.message, 'faults');
    if (error instanceof AcsHttpError) throw error;
    throw badRequest((error as Error).message);
  }
}
