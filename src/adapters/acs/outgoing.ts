import type { Attachment, OutgoingMessage } from '../adapter.ts';
import { META, renderMentions } from './mentions.ts';

export interface AcsOutgoing {
  content: string;
  type: 'text' | 'html';
  metadata: Record<string, string>;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": '#39' }[c]};`);

function attachmentHtml(a: Attachment): string {
  const url = a.url ? escapeHtml(a.url) : undefined;
  const title = escapeHtml(a.title ?? a.url ?? a.type);
  if (!url) return `<p>${title}</p>`;
  if (a.type === 'image') return `<p><img src="${url}" alt="${title}"></p>`;
  return `<p><a href="${url}">${title}</a></p>`;
}

/**
 * An OutgoingMessage as an ACS sendMessage/updateMessage body.
 *
 * ACS messages carry only text or html plus a flat string map of metadata, so:
 * - mentions: `@Name` is written into the text (when not already there) and the ids go into
 *   metadata `botyard.mentions` (a JSON array), which the receiving side reads back;
 * - attachments: listed in metadata `botyard.attachments` (JSON) and rendered into the html as an
 *   `<img>` (type 'image') or a link, so plain ACS clients still see them; they make the message html;
 * - a reply: ACS has no threads, so a reply is an ordinary message in the same thread that names its
 *   parent in metadata `botyard.parentId` (handlers see it as `message.parentId`);
 * - custom data: each key becomes a metadata entry; strings as they are, anything else as JSON;
 * - the send key (`sendKey`): in metadata `botyard.sendKey`, where a retried run looks for it.
 */
export function toAcsOutgoing(message: OutgoingMessage): AcsOutgoing {
  const metadata: Record<string, string> = {};
  for (const [k, v] of Object.entries(message.data ?? {})) {
    if (v !== undefined) metadata[k] = typeof v === 'string' ? v : JSON.stringify(v);
  }
  const mentions = message.mentions ?? [];
  const text = renderMentions(message.text ?? '', mentions);
  if (mentions.length) metadata[META.mentions] = JSON.stringify(mentions.map((u) => u.id));
  if (message.parentId) metadata[META.parentId] = message.parentId;
  if (message.sendKey) metadata[META.sendKey] = message.sendKey;
  const attachments = message.attachments ?? [];
  if (attachments.length) metadata[META.attachments] = JSON.stringify(attachments);

  if (message.html === undefined && attachments.length === 0) return { content: text, type: 'text', metadata };
  let html = message.html ?? (text ? `<p>${escapeHtml(text)}</p>` : '');
  if (message.html !== undefined && mentions.length) {
    const missing = renderMentions('', mentions.filter((u) => !html.includes(`@${u.name ?? u.id}`)));
    if (missing) html = `<p>${escapeHtml(missing)}</p>${html}`;
  }
  html += attachments.map(attachmentHtml).join('');
  return { content: html, type: 'html', metadata };
}
