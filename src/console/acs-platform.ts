/**
 * The console on the ACS emulator, acting as a user: identities and chat tokens come from the
 * emulator's admin (what an app's backend does with the Identity API); every chat action is the
 * user's own REST call with their bearer token. Reads come from the emulator's state view.
 */
import type { AcsEmulator } from '../emulator/acs/index.ts';
import { acsCall, identifier } from './acs-rest.ts';
import { toAcsMessage } from './acs-shapes.ts';
import { ACS_ABILITIES, acsVerbs } from './acs-verbs.ts';
import { ConsoleError, type ConsolePlatform, type PlatformChange } from './platform.ts';
import type { ConsoleConversation, ConsoleUser } from './types.ts';

/** How long a typing notification shows; the emulator's view uses the SDK's 8 s throttle. */
const TYPING_MS = 8000;

export function createAcsPlatform(emulator: AcsEmulator, botUser: () => ConsoleUser | undefined): ConsolePlatform {
  const target = { endpoint: emulator.endpoint, caPem: emulator.caPem };
  const listeners = new Set<(change: PlatformChange) => void>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const tokens = new Map<string, { token: string; expiresOn: number }>();
  const notify = (change: PlatformChange) => {
    for (const l of listeners) l(change);
  };

  const unsubscribe = emulator.on('change', (c) => {
    if (c.kind.startsWith('user.')) return notify({ users: true });
    const id = 'threadId' in c ? c.threadId : undefined;
    if (c.kind === 'typing') {
      // The view stops listing a typist after the window; tell the page when that happens.
      const timer = setTimeout(() => {
        timers.delete(timer);
        notify({ id });
      }, TYPING_MS + 100);
      timer.unref();
      timers.add(timer);
    }
    notify({ ...(id ? { id } : {}), ...(c.kind === 'typing' || c.kind === 'readReceipt' ? {} : { list: true }) });
  });

  function tokenFor(userId: string): string {
    const cached = tokens.get(userId);
    if (cached && cached.expiresOn - Date.now() > 60_000) return cached.token;
    let issued: { token: string; expiresOn: string };
    try {
      issued = emulator.admin.issueToken(userId);
    } catch (err) {
      throw new ConsoleError(404, `ACS: ${(err as Error).message}`);
    }
    tokens.set(userId, { token: issued.token, expiresOn: Date.parse(issued.expiresOn) });
    return issued.token;
  }

  const bot = () => botUser();
  function nameOf(id: string, threadId?: string): ConsoleUser {
    const isBot = id === bot()?.id;
    const named =
      (threadId && emulator.state.participants(threadId).find((p) => p.id === id)?.displayName) ||
      emulator.state.users().find((u) => u.id === id)?.name ||
      (isBot ? bot()?.name : undefined);
    return { id, name: named || `…${id.slice(-6)}`, ...(isBot ? { isBot: true } : {}) };
  }
  const live = (id: string) => {
    const t = emulator.state.thread(id);
    return t && t.deletedOn === undefined ? t : undefined;
  };
  function conversationOf(id: string): ConsoleConversation {
    const t = live(id)!;
    return {
      key: `acs:${t.id}`,
      platform: 'acs',
      id: t.id,
      name: t.topic,
      memberCount: t.participantCount,
      ...(t.lastMessageReceivedOn ? { lastMessageAt: t.lastMessageReceivedOn } : {}),
    };
  }
  const who = (userId: string) => ({ communicationIdentifier: identifier(userId), displayName: nameOf(userId).name });

  return {
    name: 'acs',
    abilities: ACS_ABILITIES,
    bot,
    users: () => emulator.state.users().filter((u) => !u.deleted).map((u) => nameOf(u.id)),
    nameOf(kind, id) {
      if (kind === 'conversation') return emulator.state.thread(id)?.topic;
      return emulator.state.users().some((u) => u.id === id) ? nameOf(id).name : undefined;
    },
    async createUser(name) {
      const clean = name.trim();
      if (!clean) throw new ConsoleError(400, 'a user needs a name');
      const created = emulator.admin.createUser(clean);
      tokens.set(created.id, { token: created.token, expiresOn: Date.parse(created.expiresOn) });
      return { id: created.id, name: clean };
    },
    conversations: () => emulator.state.threads().filter((t) => t.deletedOn === undefined).map((t) => conversationOf(t.id)),
    snapshot(id, viewer) {
      if (!live(id)) return undefined;
      const members = emulator.state.participants(id).map((p) => nameOf(p.id, id));
      const readBy = new Map<string, ConsoleUser[]>();
      for (const r of emulator.state.readReceipts(id)) {
        readBy.set(r.chatMessageId, [...(readBy.get(r.chatMessageId) ?? []), nameOf(r.userId, id)]);
      }
      const name = (u: string) => nameOf(u, id);
      return {
        conversation: conversationOf(id),
        messages: emulator.state.messages(id).map((m) => toAcsMessage(m, { nameOf: name, readBy: readBy.get(m.id) ?? [], members })),
        members,
        ...(viewer ? { viewer } : {}),
        typing: emulator.state.typing(id, TYPING_MS).map((t) => ({ ...name(t.userId), ...(t.displayName ? { name: t.displayName } : {}) })),
      };
    },
    async createConversation({ name, as, members }) {
      const topic = name.trim();
      if (!topic) throw new ConsoleError(400, 'a thread needs a topic');
      const others = [...new Set(members)].filter((m) => m !== as);
      const out = await acsCall(target, tokenFor(as), 'POST', '/chat/threads', { topic, participants: [as, ...others].map(who) });
      return conversationOf(out.chatThread.id as string);
    },
    async post(id, as, { text, parentId }) {
      if (!text.trim()) throw new ConsoleError(400, 'nothing to send');
      const body = { content: text, type: 'text', senderDisplayName: nameOf(as, id).name, ...(parentId ? { metadata: { 'botyard.parentId': parentId } } : {}) };
      const out = await acsCall(target, tokenFor(as), 'POST', `/chat/threads/${encodeURIComponent(id)}/messages`, body);
      return { id: out.id as string };
    },
    async addMember(id, as, userId) {
      const out = await acsCall(target, tokenFor(as), 'POST', `/chat/threads/${encodeURIComponent(id)}/participants/:add`, { participants: [who(userId)] });
      if (Array.isArray(out.invalidParticipants) && out.invalidParticipants.length) throw new ConsoleError(400, `ACS: ${userId} is not a user of this resource`);
    },
    async removeMember(id, as, userId) {
      await acsCall(target, tokenFor(as), 'POST', `/chat/threads/${encodeURIComponent(id)}/participants/:remove`, identifier(userId));
    },
    ...acsVerbs((as, method, path, body) => acsCall(target, tokenFor(as), method, path, body)),
    async typing(id, as) {
      await acsCall(target, tokenFor(as), 'POST', `/chat/threads/${encodeURIComponent(id)}/typing`, { senderDisplayName: nameOf(as, id).name });
    },
    watch(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    close() {
      unsubscribe();
      for (const t of timers) clearTimeout(t);
      timers.clear();
      listeners.clear();
    },
  };
}
