// Renders a conversation's messages: mentions highlighted, attachments, thread replies nested under
// their parent, read receipts, edited and deleted states.
import { h, time } from './dom.js';

const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Text with each `@<name>` of a mentioned user wrapped in `span.mention`. */
export function textWithMentions(text, mentions) {
  const names = [...new Set(mentions.flatMap((u) => [u.name, u.id]).filter(Boolean))].sort((a, b) => b.length - a.length);
  if (!names.length) return [text];
  const re = new RegExp(`@(?:${names.map(escapeRe).join('|')})(?![\\w])`, 'gi');
  const out = [];
  let last = 0;
  for (const m of text.matchAll(re)) {
    out.push(text.slice(last, m.index));
    out.push(h('span.mention', { textContent: m[0] }));
    last = m.index + m[0].length;
  }
  out.push(text.slice(last));
  return out;
}

function attachmentsOf(list) {
  if (!list.length) return null;
  return h(
    'div.attachments',
    {},
    list.map((a) =>
      a.type === 'image' && a.url
        ? h('a.image', { href: a.url, target: '_blank', rel: 'noopener' }, h('img', { src: a.url, alt: a.title || 'image' }))
        : a.url
          ? h('a.file', { href: a.url, target: '_blank', rel: 'noopener', textContent: a.title || a.url })
          : h('span.file', { textContent: a.title || a.type }),
    ),
  );
}

function messageItem(m, replies, onReply) {
  if (m.system) return h('li.message.system', { dataset: { id: m.id } }, m.text);
  const classes = ['message', m.user?.isBot && 'bot', m.deleted && 'deleted', m.parentId && 'reply'].filter(Boolean).join('.');
  return h(
    `li.${classes}`,
    { dataset: { id: m.id, user: m.user?.id ?? '' } },
    h(
      'div.meta',
      {},
      h('span.author', { textContent: m.user?.name ?? 'unknown' }),
      m.user?.isBot && h('span.badge', { textContent: 'bot' }),
      h('time', { textContent: time(m.createdAt), title: m.createdAt }),
      m.editedAt && !m.deleted && h('span.edited', { textContent: '(edited)', title: m.editedAt }),
      !m.parentId && !m.deleted && h('button.link.reply-button', { type: 'button', textContent: 'reply', onclick: () => onReply(m) }),
    ),
    m.deleted ? h('div.text', { textContent: 'This message was deleted.' }) : h('div.text', {}, textWithMentions(m.text, m.mentions)),
    attachmentsOf(m.attachments),
    m.readBy.length > 0 && h('div.receipts', { textContent: `Read by ${m.readBy.map((u) => u.name).join(', ')}` }),
    replies.length > 0 && h('ol.replies', {}, replies.map((r) => messageItem(r, [], onReply))),
  );
}

/** Replaces the list's content with `messages`, keeping the scroll pinned to the bottom when it was. */
export function renderMessages(list, messages, onReply) {
  const pinned = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  const ids = new Set(messages.map((m) => m.id));
  const replies = new Map();
  for (const m of messages) {
    if (m.parentId && ids.has(m.parentId)) replies.set(m.parentId, [...(replies.get(m.parentId) ?? []), m]);
  }
  const top = messages.filter((m) => !m.parentId || !ids.has(m.parentId));
  list.replaceChildren(...top.map((m) => messageItem(m, replies.get(m.id) ?? [], onReply)));
  if (pinned) list.scrollTop = list.scrollHeight;
}
