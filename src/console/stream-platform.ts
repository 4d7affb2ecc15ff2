/**
 * The console on the Stream emulator, acting as a user: every change goes through the emulator's REST
 * API with a user JWT signed by the app secret (what a Stream client gets from its backend); user
 * upserts, a backend's job, use a server token. Reads come from the emulator's state view, in the
 * shapes the API answers, so the page shows what a member's client would.
 */
import type { StreamEmulator } from '../emulator/stream/index.ts';
import { ConsoleError, freeId, mentionedIn, slug, type ConsolePlatform, type PlatformChange } from './platform.ts';
import { createStreamRest } from './stream-rest.ts';
import { toStreamUser } from './stream-shapes.ts';
import { streamSnapshot } from './stream-snapshot.ts';
import { streamVerbs } from './stream-verbs.ts';
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
    // An app-wide ban or a mute shows on the user in every channel they are in.
    const everywhere = users && !cid;
    if (cid || list || users) notify({ ...(cid ? { id: cid } : {}), ...(list ? { list } : {}), ...(users ? { users } : {}), ...(everywhere ? { everywhere } : {}) });
  });
  // A rejected message is announced nowhere, but its sender's view shows it.
  const unsubscribePreSend = emulator.on('preSend', (call) => notify({ id: call.cid }));

  const rest = createStreamRest(emulator);
  const { call, channelPath } = rest;

  const users = (): ConsoleUser[] => emulator.state.users().map((u) => toStreamUser(u, botId()));
  const userOf = (id: string) => users().find((u) => u.id === id) ?? { id, name: id };

  /** A Stream client fills mentioned_users from its @-autocomplete; this does the same from the text. */
  function mentioned(cid: string, text: string): string[] {
    const candidates = [...(emulator.state.members(cid) as Json[]).map((m) => toStreamUser(m.user, botId())), ...users()];
    return [...new Set(mentionedIn(text, candidates).map((u) => u.id))];
  }

  async function send(cid: string, as: string, message: Json): Promise<{ id: string }> {
    const out = await call('POST', `${channelPath(cid)}/message`, { user: as }, { message });
    await call('POST', `${channelPath(cid)}/event`, { user: as }, { event: { type: 'typing.stop' } }).catch(() => undefined);
    return { id: (out.message as Json).id as string };
  }

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
    abilities: { react: true, edit: true, delete: true, upload: true, rename: true, flag: true, pin: true, mute: true, ban: true, stop: true },
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
    snapshot(cid, viewer) {
      const state = emulator.state.channel(cid);
      if (!state) return undefined;
      return streamSnapshot(cid, viewer, { emulator, botId: botId(), conversation: conversationOf(state), typing: typing.who(cid).map(userOf), userOf });
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
      const mentions = mentioned(cid, text);
      return send(cid, as, { text, ...(mentions.length ? { mentioned_users: mentions } : {}), ...(parentId ? { parent_id: parentId } : {}) });
    },
    ...streamVerbs({ rest, emulator, mentioned, send }),
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
      unsubscribePreSend();
      typing.clear();
      listeners.clear();
    },
  };
}
