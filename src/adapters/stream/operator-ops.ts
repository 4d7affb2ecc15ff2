/**
 * Operator reads and deletes over the server client, for the CLI: list and show channels, list and
 * delete users, and who of some users is a member or moderator of a channel (so a command can say
 * "nothing to do" instead of reporting a no-op as done).
 */
import type { StreamChat } from 'stream-chat';
import { splitCid } from './client.ts';
import { toPlatformError } from './errors.ts';

type Loose = any;

export interface ChannelSummary {
  cid: string;
  name?: string;
  memberCount: number;
  createdBy?: string;
  createdAt?: string;
  lastMessageAt?: string;
}

export interface ChannelDetail extends ChannelSummary {
  members: Array<{ id: string; name?: string; role: 'channel_member' | 'channel_moderator'; banned: boolean }>;
  data: Record<string, unknown>;
}

export interface UserSummary {
  id: string;
  name?: string;
  role: string;
  banned: boolean;
  createdAt?: string;
}

/** A user's standing in a channel. */
export type Standing = 'moderator' | 'member' | 'none';

const CHANNEL_FIELDS = new Set(['cid', 'id', 'type', 'name', 'member_count', 'created_by', 'created_at', 'updated_at', 'last_message_at', 'config', 'frozen', 'disabled', 'own_capabilities', 'hidden', 'members']);

async function wrap<T>(action: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toPlatformError(err, action);
  }
}

const summary = (c: Loose): ChannelSummary => ({
  cid: c.cid,
  ...(c.name ? { name: c.name } : {}),
  memberCount: c.member_count ?? 0,
  ...(c.created_by?.id ? { createdBy: c.created_by.id } : {}),
  ...(c.created_at ? { createdAt: c.created_at } : {}),
  ...(c.last_message_at ? { lastMessageAt: c.last_message_at } : {}),
});

export function createOperatorOps(client: StreamChat) {
  const channel = (cid: string) => {
    const [type, id] = splitCid(cid);
    return client.channel(type, id);
  };
  return {
    /** Channels, newest first; `type` narrows to one channel type. */
    async listChannels(options: { type?: string; limit?: number } = {}): Promise<ChannelSummary[]> {
      const filter = options.type ? { type: options.type } : {};
      const found = await wrap('list channels', () => client.queryChannels(filter as Loose, [{ created_at: -1 }] as Loose, { limit: options.limit ?? 30, state: true, message_limit: 0, member_limit: 0 }));
      return found.map((c) => summary(c.data));
    },

    /** One channel with its members (up to 100). */
    async showChannel(cid: string): Promise<ChannelDetail | undefined> {
      const [found] = await wrap(`look up ${cid}`, () => client.queryChannels({ cid } as Loose, {}, { limit: 1, state: true, message_limit: 0, member_limit: 100 }));
      if (!found) return undefined;
      const data = found.data as Loose;
      const members = Object.values(found.state.members).map((m: Loose) => ({
        id: m.user_id ?? m.user?.id,
        ...(m.user?.name ? { name: m.user.name } : {}),
        role: m.channel_role === 'channel_moderator' ? ('channel_moderator' as const) : ('channel_member' as const),
        banned: m.banned === true,
      }));
      const custom = Object.fromEntries(Object.entries(data).filter(([k]) => !CHANNEL_FIELDS.has(k)));
      return { ...summary(data), members, data: custom };
    },

    /** Deletes a channel (soft unless `hard`: then its messages go too). */
    async deleteChannel(cid: string, options: { hard?: boolean } = {}): Promise<void> {
      await wrap(`delete ${cid}`, () => channel(cid).delete(options.hard ? ({ hard_delete: true } as Loose) : undefined));
    },

    /** Users, by id; `query` matches ids and names that contain it. */
    async listUsers(options: { query?: string; limit?: number } = {}): Promise<UserSummary[]> {
      const filter = options.query ? { $or: [{ id: { $autocomplete: options.query } }, { name: { $autocomplete: options.query } }] } : {};
      const { users } = await wrap('list users', () => client.queryUsers(filter as Loose, [{ id: 1 }] as Loose, { limit: options.limit ?? 30 }));
      return users.map((u: Loose) => ({ id: u.id, ...(u.name ? { name: u.name } : {}), role: u.role, banned: u.banned === true, ...(u.created_at ? { createdAt: u.created_at } : {}) }));
    },

    /** Deletes a user; `hard` also removes what they wrote. Resolves false when there was no such user. */
    async deleteUser(id: string, options: { hard?: boolean } = {}): Promise<boolean> {
      try {
        await client.deleteUser(id, { mark_messages_deleted: options.hard === true, hard_delete: options.hard === true } as Loose);
        return true;
      } catch (err) {
        const error = toPlatformError(err, `delete user ${id}`);
        if (error.status === 404) return false;
        throw error;
      }
    },

    /** Each of `userIds`' standing in `cid`. */
    async standing(cid: string, userIds: string[]): Promise<Map<string, Standing>> {
      const out = new Map<string, Standing>(userIds.map((id) => [id, 'none']));
      if (!userIds.length) return out;
      const { members } = await wrap(`read the members of ${cid}`, () => channel(cid).queryMembers({ user_id: { $in: userIds } } as Loose, [], { limit: 100 }));
      for (const m of members as Loose[]) out.set(m.user_id ?? m.user?.id, m.channel_role === 'channel_moderator' ? 'moderator' : 'member');
      return out;
    },
  };
}

export type OperatorOps = ReturnType<typeof createOperatorOps>;
