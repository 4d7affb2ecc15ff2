/**
 * One Stream channel as a member's client shows it to `viewer`: shadowed messages only to their
 * author, messages the before-send hook rejected only to their sender (Stream hands the sender an
 * error message and stores nothing), flags and pins on messages, bans and mutes on members.
 */
import type { StreamEmulator } from '../emulator/stream/index.ts';
import { toStreamMessage, toStreamUser } from './stream-shapes.ts';
import type { ConsoleMember, ConsoleMessage, ConsoleUser, ConversationSnapshot } from './types.ts';

type Json = Record<string, any>;

const live = (expires: unknown) => typeof expires !== 'string' || Date.parse(expires) > Date.now();

const banInfo = (b: Json) => ({ ...(b.expires ? { until: b.expires } : {}), ...(b.reason ? { reason: b.reason } : {}) });

function membersOf(emulator: StreamEmulator, cid: string, botId: string | undefined): ConsoleMember[] {
  const bans = (emulator.state.bans() as Json[]).filter((b) => (!b.cid || b.cid === cid) && live(b.expires));
  const mutes = (emulator.state.mutes() as Json[]).filter((m) => live(m.expires));
  return (emulator.state.members(cid) as Json[]).map((m) => {
    const user = toStreamUser(m.user, botId);
    const ban = bans.find((b) => b.target_user_id === user.id && !b.shadow);
    const shadow = bans.find((b) => b.target_user_id === user.id && b.shadow);
    const mutedBy = mutes.filter((x) => x.target?.id === user.id).map((x) => toStreamUser(x.user, botId));
    return {
      ...user,
      ...(ban ? { banned: banInfo(ban) } : {}),
      ...(shadow ? { shadowBanned: banInfo(shadow) } : {}),
      ...(mutedBy.length ? { mutedBy } : {}),
    };
  });
}

/** The viewer's own rejected messages, as the error messages their client was handed. */
function rejectedFor(emulator: StreamEmulator, cid: string, viewer: ConsoleUser): ConsoleMessage[] {
  return (emulator.state.rejected(cid) as Json[])
    .filter((r) => r.userId === viewer.id)
    .map((r, i) => ({
      id: `rejected:${r.at}:${i}`,
      user: viewer,
      text: String(r.text ?? ''),
      attachments: [],
      mentions: [],
      createdAt: String(r.at),
      deleted: false,
      readBy: [],
      rejected: { notice: String(r.rejection?.text ?? 'This message was not sent.') },
    }));
}

export interface StreamSnapshotDeps {
  emulator: StreamEmulator;
  botId: string | undefined;
  conversation: ConversationSnapshot['conversation'];
  typing: ConsoleUser[];
  userOf(id: string): ConsoleUser;
}

export function streamSnapshot(cid: string, viewer: string | undefined, deps: StreamSnapshotDeps): ConversationSnapshot {
  const { emulator, botId } = deps;
  const readBy = new Map<string, ConsoleUser[]>();
  for (const r of emulator.state.reads(cid) as Json[]) {
    if (!r.last_read_message_id) continue;
    readBy.set(r.last_read_message_id, [...(readBy.get(r.last_read_message_id) ?? []), toStreamUser(r.user, botId)]);
  }
  const flags = new Map<string, number>();
  for (const f of emulator.state.flags() as Json[]) if (f.target_message_id) flags.set(f.target_message_id, (flags.get(f.target_message_id) ?? 0) + 1);
  const messages = (emulator.state.messages(cid) as Json[])
    // A shadow-banned user's message reaches nobody but its author.
    .filter((m) => !m.shadowed || m.user?.id === viewer)
    .map((m) => toStreamMessage(m, { botId, readBy: readBy.get(m.id) ?? [], ...(viewer ? { viewer } : {}), flags: flags.get(m.id) ?? 0 }));
  const own = viewer ? rejectedFor(emulator, cid, deps.userOf(viewer)) : [];
  const indicator = emulator.ai.indicator(cid);
  return {
    conversation: deps.conversation,
    ...(indicator?.state
      ? { ai: { state: indicator.state, by: deps.userOf(indicator.userId), at: indicator.at, ...(indicator.messageId ? { messageId: indicator.messageId } : {}) } }
      : {}),
    messages: own.length ? [...messages, ...own].sort((a, b) => a.createdAt.localeCompare(b.createdAt)) : messages,
    members: membersOf(emulator, cid, botId),
    ...(viewer ? { viewer } : {}),
    typing: deps.typing,
  };
}
