import type { UserRef } from '../adapter.ts';

/** Metadata keys botyard writes on ACS messages (ACS metadata is a flat map of strings). */
export const META = {
  /** The replied-to message id: ACS has no threads, so a reply names its parent here. */
  parentId: 'botyard.parentId',
  /** JSON array of mentioned user ids. */
  mentions: 'botyard.mentions',
  /** JSON array of attachments (botyard's Attachment shape). */
  attachments: 'botyard.attachments',
  /** The send's key (OutgoingMessage `sendKey`): a retried run finds its earlier send by it (sent-before.ts). */
  sendKey: 'botyard.sendKey',
} as const;

const MENTION_MARKUP = /<msft-mention\s+id="([^"]+)"[^>]*>([\s\S]*?)<\/msft-mention>/gi;

function parseIdList(value: string | undefined): string[] {
  if (!value) return [];
  try {
    const parsed: unknown = JSON.parse(value);
    if (Array.isArray(parsed)) return parsed.filter((x): x is string => typeof x === 'string');
  } catch {
    // not JSON: accept a comma-separated list
  }
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Who an incoming message mentions. The bot is mentioned when any of these holds:
 *  1. metadata `botyard.mentions` lists its id (what botyard itself sends);
 *  2. the html holds ACS/Teams mention markup for it: `<msft-mention id="8:acs:…">Name</msft-mention>`;
 *  3. the text contains `@<bot display name>` (case-insensitive, not followed by a word character).
 * Other users are listed from rules 1 and 2.
 */
export function incomingMentions(content: string, metadata: Record<string, string> | undefined, bot: UserRef): UserRef[] {
  const found = new Map<string, UserRef>();
  for (const id of parseIdList(metadata?.[META.mentions])) found.set(id, { id });
  for (const m of content.matchAll(MENTION_MARKUP)) {
    const name = m[2]!.replace(/<[^>]*>/g, '').trim();
    found.set(m[1]!, { id: m[1]!, ...(name ? { name } : {}) });
  }
  if (bot.name && new RegExp(`@${escapeRegExp(bot.name)}(?![\\w])`, 'i').test(content)) found.set(bot.id, { id: bot.id });
  return [...found.values()].map((u) => (u.id === bot.id ? { ...u, name: bot.name, isBot: true } : u));
}

/** `@Name` text for each mentioned user not already written in the text, prepended. */
export function renderMentions(text: string, mentions: UserRef[]): string {
  const missing = mentions.map((u) => `@${u.name ?? u.id}`).filter((tag) => !text.includes(tag));
  return missing.length ? `${missing.join(' ')} ${text}`.trim() : text;
}
