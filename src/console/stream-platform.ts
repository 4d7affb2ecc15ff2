/**
 * The console on the Stream emulator, acting as a user: every change goes through the emulator's REST
 * API with a user JWT signed by the app secret (what a Stream client gets from its backend); user
 * upserts, a backend's job, use a server token. Reads come from the emulator's state view, in the
 * shapes the API answers, so the page shows what a member's client would.
 */
import { signJwt, type StreamEmulator } from '../emulator/stream/index.ts';
import { ConsoleError, freeId, mentionedIn, slug, type ConsolePlatform, type PlatformChange } from './platform.ts';
import { toStreamMessage, toStreamUser } from './stream-shapes.ts';
import { TypingTracker } from './typing.ts';
import type { ConsoleConversation, ConsoleUser } from './types.ts';

type Json = Record<string, any>;

export function createStreamPlatform(emulator: StreamEmulator, botUser: () => ConsoleUser | undefined): ConsolePlatform {
  const listeners = new Set<(change: PlatformChange) => void>();
  const notify = (change: PlatformChange) => {
    for (const l of listeners) l(change);
  };
  const typing = new TypingTracker((cid) => notify({ id: cid }));
  const botId = () => botUser()?.id;

  const unsubscribe = emulator.on('event', (e) => {
    const cid = typeof e.cid === 'string' ? e.cid : undefined;
    const userId = (e.user as Json | undefined)?.id as string | undefined;
    if (cid && userId) {
      if (e.type === 'typing.start') typing.start(cid, userId);
      else if (e.type === 'typing.stop' || e.type === 'message.new') typing.stop(cid, userId);
    }
    const list = e.type.startsWith('channel.') || e.type === 'message.new' || e.type.startsWith('member.');
    const users = e.type.startsWith('user.');
    if (cid || list || users) notify({ ...(cid ? { id: cid } : {}), ...(list ? { list } : {}), ...(users ? { users } : {}) });
  });

  async function call(method: string, path: string, as: { user: string } | 'server', body?: unknown): Promise<Json> {
    const token = signJwt(as === 'server' ? { server: true } : { user_id: as.user }, emulator.apiSecret);
    const url = `${emulator.url}${path}${path.includes('?') ? '&' : '?'}api_key=${encodeURIComponent(emulator.apiKey)}`;
    const res = await fetch(url, {
      method,
      headers: { authorization: token, 'stream-auth-type': 'jwt', 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const json = (await res.json().catch(() => ({}))) as Json;
    if (!res.ok) throw new ConsoleError(res.status, `Stream: ${json.message ?? `HTTP ${res.status}`}`);
    return json;
  }

  const channelPath = (cid: string) => {
    const at = cid.indexOf(':');
    if (at < 1) throw new ConsoleError(400, `'${cid}' is not a Stream channel id (type:id)`);
    return `/channels/${encodeURIComponent(cid.slice(0, at))}/${encodeURIComponent(cid.slice(at + 1))}`;
  };
  const users = (): ConsoleUser[] => emulator.state.users().map((u) => toStreamUser(u, botId()));
  const userOf = (id: string) => users().find((u) => u.id === id) ?? { id, name: id };

  function conversationOf(state: Json): ConsoleConversation {
    const ch = state.channel as Json;
    return {
      key: `stream:${ch.cid}`,
      platform: 'stream',
      id: ch.cid,
      name: typeof ch.name === 'string' && ch.name ? ch.name : ch.id,
      memberCount: ch.member_count ?? 0,
      ...(ch.last_message_at ? { lastMessageAt: ch.last_message_at } : {}),
    };
  }

  return {
    name: 'stream',
    bot: botUser,
    users,
    nameOf(kind, id) {
      if (kind === 'user') return toStreamUser(emulator.state.user(id), botId()).name || undefined;
      const state = emulator.state.channel(id);
      return state ? conversationOf(state).name : undefined;
    },
    async createUser(name) {
      const clean = name.trim();
      if (!clean) throw new ConsoleError(400, 'a user needs a name');
      const id = freeId(slug(clean), (x) => emulator.state.user(x) !== undefined);
      await call('POST', '/users', 'server', { users: { [id]: { id, name: clean } } });
      return { id, name: clean };
    },
    conversations: () => emulator.state.channels().map(conversationOf),
    snapshot(cid) {
      const state = emulator.state.channel(cid);
      if (!state) return undefined;
      const readBy = new Map<string, ConsoleUser[]>();
      for (const r of emulator.state.reads(cid) as Json[]) {
        if (!r.last_read_message_id) continue;
        const list = readBy.get(r.last_read_message_id) ?? [];
        list.push(toStreamUser(r.user, botId()));
        readBy.set(r.last_read_message_id, list);
      }
      return {
        conversation: conversationOf(state),
        messages: (emulator.state.messages(cid) as Json[]).map((m) => toStreamMessage(m, botId(), readBy.get(m.id) ?? [])),
        members: (emulator.state.members(cid) as Json[]).map((m) => toStreamUser(m.user, botId())),
        typing: typing.who(cid).map(userOf),
      };
    },
    async createConversation({ name, as, members }) {
      const clean = name.trim();
      if (!clean) throw new ConsoleError(400, 'a channel needs a name');
      const id = freeId(slug(clean), (x) => emulator.state.channel(`messaging:${x}`) !== undefined);
      const all = [...new Set([as, ...members])];
      const state = await call('POST', `/channels/messaging/${encodeURIComponent(id)}/query`, { user: as }, { data: { name: clean, members: all }, state: true });
      return conversationOf(state);
    },
    async post(cid, as, { text, parentId }) {
      if (!text.trim()) throw new ConsoleError(400, 'nothing to send');
      // A Stream client fills mentioned_users from its @-autocomplete; this does the same from the text.
      const candidates = [...(emulator.state.members(cid) as Json[]).map((m) => toStreamUser(m.user, botId())), ...users()];
      const mentioned = [...new Set(mentionedIn(text, candidates).map((u) => u.id))];
      const message = { text, ...(mentioned.length ? { mentioned_users: mentioned } : {}), ...(parentId ? { parent_id: parentId } : {}) };
      const out = await call('POST', `${channelPath(cid)}/message`, { user: as }, { message });
      await call('POST', `${channelPath(cid)}/event`, { user: as }, { event: { type: 'typing.stop' } }).catch(() => undefined);
      return { id: (out.message as Json).id as string };
    },
    async addMember(cid, as, userId) {
      await call('POST', channelPath(cid), { user: as }, { add_members: [userId] });
    },
    async removeMember(cid, as, userId) {
      await call('POST', channelPath(cid), { user: as }, { remove_members: [userId] });
    },
    async typing(cid, as) {
      await call('POST', `${channelPath(cid)}/event`, { user: as }, { event: { type: 'typing.start' } });
    },
    watch(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    close() {
      unsubscribe();
      typing.clear();
      listeners.clear();
    },
  };
}
