/** ACS emulator state (messages with metadata and html) as the console's shapes. */
import type { AcsMessageView } from '../emulator/acs/index.ts';
import { mentionedIn } from './platform.ts';
import type { ConsoleAttachment, ConsoleMessage, ConsoleUser } from './types.ts';

/** botyard's metadata keys on ACS messages (see src/adapters/acs/mentions.ts). */
const META = { parentId: 'botyard.parentId', mentions: 'botyard.mentions', attachments: 'botyard.attachments' };

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#34': '"', nbsp: ' ' };
const decode = (s: string) => s.replace(/&(amp|lt|gt|quot|#39|#34|nbsp);/g, (_, e: string) => ENTITIES[e]!);

function parseJson<T>(value: string | undefined): T | undefined {
  if (!value) return undefined;
  try {
    return JSON.parse(value) as T;
  } catch {
    return undefined;
  }
}

/** A paragraph holding nothing but an image or a link: how an ACS client shows an attachment. */
const ATTACHMENT_P = /<p>\s*(?:<img\b[^>]*>|<a\b[^>]*>[\s\S]*?<\/a>)\s*<\/p>/gi;

function attachmentsInHtml(html: string): ConsoleAttachment[] {
  const out: ConsoleAttachment[] = [];
  for (const [p] of html.matchAll(ATTACHMENT_P)) {
    const img = /<img\b[^>]*\bsrc="([^"]*)"/i.exec(p);
    const alt = /<img\b[^>]*\balt="([^"]*)"/i.exec(p)?.[1];
    const link = /<a\b[^>]*\bhref="([^"]*)"[^>]*>([\s\S]*?)<\/a>/i.exec(p);
    if (img) out.push({ type: 'image', url: decode(img[1]!), ...(alt ? { title: decode(alt) } : {}) });
    else if (link) out.push({ type: 'file', url: decode(link[1]!), title: decode(link[2]!.replace(/<[^>]*>/g, '')) });
  }
  return out;
}

function htmlToText(html: string): string {
  return decode(
    html
      .replace(ATTACHMENT_P, '')
      .replace(/<msft-mention\b[^>]*>([\s\S]*?)<\/msft-mention>/gi, '$1')
      .replace(/<br\s*\/?>/gi, '\n')
      .replace(/<\/p>\s*<p>/gi, '\n')
      .replace(/<[^>]*>/g, ''),
  ).trim();
}

export interface AcsShapeContext {
  nameOf(id: string): ConsoleUser;
  readBy: ConsoleUser[];
  members: ConsoleUser[];
}

function systemText(m: AcsMessageView, nameOf: (id: string) => ConsoleUser): string {
  const who = m.initiator ? nameOf(m.initiator).name : 'someone';
  const names = (m.participants ?? []).map((id) => nameOf(id).name).join(', ');
  if (m.type === 'participantAdded') return `${who} added ${names}`;
  if (m.type === 'participantRemoved') return `${who} removed ${names}`;
  return `${who} set the topic to "${m.topic ?? ''}"`;
}

export function toAcsMessage(m: AcsMessageView, ctx: AcsShapeContext): ConsoleMessage {
  const base = { id: m.id, createdAt: m.createdOn, readBy: ctx.readBy, ...(m.editedOn ? { editedAt: m.editedOn } : {}) };
  if (m.type !== 'text' && m.type !== 'html') {
    return { ...base, text: systemText(m, ctx.nameOf), attachments: [], mentions: [], deleted: false, system: true };
  }
  const sender = m.senderId ? { ...ctx.nameOf(m.senderId), ...(m.senderDisplayName ? { name: m.senderDisplayName } : {}) } : undefined;
  const deleted = m.deletedOn !== undefined;
  const content = m.content ?? '';
  const meta = m.metadata ?? {};
  const text = m.type === 'html' ? htmlToText(content) : content;
  const listed = parseJson<ConsoleAttachment[]>(meta[META.attachments]);
  const attachments = Array.isArray(listed) ? listed.map((a) => ({ type: a.type, ...(a.url ? { url: a.url } : {}), ...(a.title ? { title: a.title } : {}) })) : m.type === 'html' ? attachmentsInHtml(content) : [];
  const mentions = new Map<string, ConsoleUser>();
  for (const id of parseJson<string[]>(meta[META.mentions]) ?? []) mentions.set(id, ctx.nameOf(id));
  for (const [, id] of content.matchAll(/<msft-mention\b[^>]*\bid="([^"]+)"/gi)) mentions.set(id!, ctx.nameOf(id!));
  for (const u of mentionedIn(text, ctx.members)) mentions.set(u.id, u);
  return {
    ...base,
    ...(sender ? { user: sender } : {}),
    text: deleted ? '' : text,
    attachments: deleted ? [] : attachments,
    mentions: [...mentions.values()],
    ...(meta[META.parentId] ? { parentId: meta[META.parentId] } : {}),
    deleted,
  };
}
