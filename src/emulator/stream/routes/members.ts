/**
 * `POST /channels/{type}/{id}` (UpdateChannel): replace data, optional message, add/remove members,
 * add/demote moderators. Each change is announced like the real service does.
 */
import { inputError } from '../errors.ts';
import { channelEvent, memberEvent, messageNew as messageNewFor } from '../events.ts';
import { actingUser, type Json, type Route } from '../http.ts';
import { checkChannelRole } from '../roles.ts';
import { CHANNEL_RESERVED, splitCustom, type ChannelRecord, type MemberRecord, type MessageRecord } from '../records.ts';
import { channelResponse, memberResponse, messageResponse } from '../shapes.ts';
import type { StreamStore } from '../store.ts';
import { createMessage } from './messages.ts';

type MemberInput = { user_id: string; channel_role?: string };

function normalize(list: unknown, field: string): MemberInput[] {
  if (!Array.isArray(list)) throw inputError(`${field} must be a list`);
  return list.map((m) => {
    const id = typeof m === 'string' ? m : (m as { user_id?: unknown })?.user_id;
    if (typeof id !== 'string' || !id) throw inputError(`${field} items need a user_id`);
    return typeof m === 'string' ? { user_id: m } : (m as MemberInput);
  });
}

function requireUsers(store: StreamStore, ids: string[]): void {
  const missing = ids.filter((id) => !store.users.has(id));
  if (missing.length) {
    throw inputError(`The following users are involved in channel update operation, but don't exist: [${missing.join(', ')}]. Make sure the user is created first.`);
  }
}

/** Members to add must exist and ask for a real channel role. */
function checkMembers(store: StreamStore, list: MemberInput[]): void {
  requireUsers(store, list.map((m) => m.user_id));
  for (const m of list) if (m.channel_role !== undefined) checkChannelRole(store, m.channel_role, `channel_role of ${m.user_id}`);
}

/** Adds members that are not in the channel yet; returns the new member records. */
export function addMembers(store: StreamStore, ch: ChannelRecord, list: MemberInput[]): MemberRecord[] {
  checkMembers(store, list);
  const added: MemberRecord[] = [];
  for (const m of list) {
    if (ch.members.has(m.user_id)) continue;
    const at = store.nowIso();
    const rec: MemberRecord = {
      user_id: m.user_id,
      channel_role: m.channel_role ?? 'channel_member',
      owner: m.user_id === ch.created_by_id,
      created_at: at,
      updated_at: at,
      banned: store.isBanned(m.user_id, ch.cid),
      shadow_banned: false,
    };
    ch.members.set(m.user_id, rec);
    ch.reads.set(m.user_id, { user_id: m.user_id, last_read: at, unread_messages: 0 });
    added.push(rec);
  }
  return added;
}

function setRole(store: StreamStore, ch: ChannelRecord, ids: string[], role: MemberRecord['channel_role']): MemberRecord[] {
  const changed: MemberRecord[] = [];
  for (const id of ids) {
    const m = ch.members.get(id);
    if (!m) throw inputError(`user "${id}" is not a member of channel ${ch.cid}`);
    if (m.channel_role === role) continue;
    m.channel_role = role;
    m.updated_at = store.nowIso();
    changed.push(m);
  }
  return changed;
}

export const memberRoutes: Route[] = [
  {
    method: 'POST',
    path: '/channels/:type/:id',
    op: 'UpdateChannel',
    handler: (ctx) => {
      const { params, body, store, auth } = ctx;
      const ch = store.channel(params.type!, params.id!);
      const announce: Array<() => void> = [];
      let message: MessageRecord | undefined;
      let actor: string | undefined = auth.kind === 'user' ? auth.userId : undefined;
      // Validate everything before changing anything, so a bad call leaves the channel as it was.
      const add = body.add_members !== undefined ? normalize(body.add_members, 'add_members') : [];
      const remove = body.remove_members !== undefined ? normalize(body.remove_members, 'remove_members').map((m) => m.user_id) : [];
      const promote = body.add_moderators !== undefined ? normalize(body.add_moderators, 'add_moderators').map((m) => m.user_id) : [];
      const demote = body.demote_moderators !== undefined ? normalize(body.demote_moderators, 'demote_moderators').map((m) => m.user_id) : [];
      checkMembers(store, add);
      if (body.message) actor = actingUser(auth, 'message.', body.message as Json, ctx.op);

      let dataChanged = false;
      if (body.data && typeof body.data === 'object') {
        // update() replaces the custom data wholesale (the SDK already stripped reserved keys).
        ch.custom = splitCustom(body.data as Json, CHANNEL_RESERVED);
        if (typeof (body.data as Json).frozen === 'boolean') ch.frozen = (body.data as Json).frozen as boolean;
        ch.updated_at = store.nowIso();
        dataChanged = true;
      }
      for (const m of addMembers(store, ch, add)) announce.push(() => store.announce(memberEvent(store, 'member.added', ch, m)));
      for (const id of remove) {
        const m = ch.members.get(id);
        if (!m) continue;
        ch.members.delete(id);
        ch.reads.delete(id);
        announce.push(() => store.announce(memberEvent(store, 'member.removed', ch, m)));
      }
      for (const m of setRole(store, ch, promote, 'channel_moderator')) announce.push(() => store.announce(memberEvent(store, 'member.updated', ch, m)));
      for (const m of setRole(store, ch, demote, 'channel_member')) announce.push(() => store.announce(memberEvent(store, 'member.updated', ch, m)));
      if (body.message) message = createMessage(store, ch, body.message as Json, actor!, { announce: false });

      for (const fn of announce) fn();
      if (dataChanged) store.announce(channelEvent(store, 'channel.updated', ch, { actorId: actor, message }));
      if (message) store.announce(messageNewFor(store, ch, message));
      return {
        channel: channelResponse(store, ch),
        members: [...ch.members.values()].map((m) => memberResponse(store, m)),
        ...(message ? { message: messageResponse(store, message) } : {}),
      };
    },
  },
];
