/** Stream API shapes (as the emulator's state view answers them) as the console's shapes. */
import type { ConsoleAttachment, ConsoleMessage, ConsoleUser } from './types.ts';

type Json = Record<string, any>;

export function toStreamUser(u: Json | undefined, botId: string | undefined): ConsoleUser {
  const id = String(u?.id ?? '');
  const isBot = id === botId || u?.is_bot === true;
  return { id, name: typeof u?.name === 'string' && u.name ? u.name : id, ...(isBot ? { isBot: true } : {}) };
}

/** The first URL a Stream attachment carries, in the order Stream clients look for one. */
function toAttachment(a: Json): ConsoleAttachment {
  const url = [a.image_url, a.asset_url, a.title_link, a.thumb_url, a.og_scrape_url, a.url].find((x) => typeof x === 'string');
  const title = [a.title, a.fallback, a.name].find((x) => typeof x === 'string');
  return { type: typeof a.type === 'string' ? a.type : 'file', ...(url ? { url } : {}), ...(title ? { title } : {}) };
}

/** Reactions by type from `reaction_counts`, with who gave them as far as `latest_reactions` tells. */
function reactionsOf(m: Json, viewer: string | undefined): ConsoleMessage['reactions'] {
  const counts = (m.reaction_counts ?? {}) as Record<string, number>;
  const latest = (Array.isArray(m.latest_reactions) ? m.latest_reactions : []) as Json[];
  const list = Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([type, count]) => {
      const givers = latest.filter((r) => r.type === type);
      return { type, count, users: givers.map((r) => String(r.user?.name || r.user_id)), mine: givers.some((r) => r.user_id === viewer) };
    });
  return list.length ? list : undefined;
}

export interface MessageShapeOptions {
  botId: string | undefined;
  readBy: ConsoleUser[];
  /** Who is looking: a shadowed message is marked for its author (others never get it). */
  viewer?: string;
  flags?: number;
}

export function toStreamMessage(m: Json, { botId, readBy, viewer, flags }: MessageShapeOptions): ConsoleMessage {
  const deleted = m.type === 'deleted' || Boolean(m.deleted_at);
  const pinnedBy = m.pinned_by as Json | null | undefined;
  return {
    id: m.id,
    user: toStreamUser(m.user, botId),
    // A client never sees a deleted message's text (GetMessage blanks it too).
    text: deleted ? '' : String(m.text ?? ''),
    attachments: deleted ? [] : (Array.isArray(m.attachments) ? m.attachments : []).map(toAttachment),
    mentions: (Array.isArray(m.mentioned_users) ? m.mentioned_users : []).map((u: Json) => toStreamUser(u, botId)),
    ...(m.parent_id ? { parentId: m.parent_id } : {}),
    createdAt: m.created_at,
    ...(m.message_text_updated_at ? { editedAt: m.message_text_updated_at } : {}),
    deleted,
    ...(m.type === 'system' ? { system: true } : {}),
    readBy,
    ...(!deleted && reactionsOf(m, viewer) ? { reactions: reactionsOf(m, viewer) } : {}),
    ...(m.pinned ? { pinned: { ...(pinnedBy ? { by: toStreamUser(pinnedBy, botId).name } : {}), ...(m.pinned_at ? { at: m.pinned_at } : {}) } } : {}),
    ...(flags ? { flags } : {}),
    ...(m.silent ? { silent: true } : {}),
    ...(m.shadowed && m.user?.id === viewer ? { shadowed: true } : {}),
    ...(m.ai_generated === true ? { aiGenerated: true } : {}),
  };
}
