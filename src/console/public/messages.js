// Renders a conversation's messages: mentions highlighted, attachments, reactions, thread replies nested
// under their parent, read receipts, edited/deleted/pinned/flagged/silent states, and what only the
// viewer sees (their rejected messages, their shadowed ones).
import { h, time } from './dom.js';
import { actionBar, editForm, reactionRow } from './message-actions.js';

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

/** Small markers after the author: AI, being written, edited, silent, pinned, flagged, shadowed. */
function markers(m, ctx) {
  return [
    m.aiGenerated && h('span.marker.ai', { textContent: 'AI', title: 'written by an AI (ai_generated)' }),
    ctx.writing === m.id && h('span.marker.writing', { textContent: 'writing…' }),
    m.editedAt && !m.deleted && h('span.marker.edited', { textContent: '(edited)', title: m.editedAt }),
    m.silent && h('span.marker.silent', { textContent: 'silent', title: 'sent silently: no unread count, no push' }),
    m.pinned && h('span.marker.pinned', { textContent: `📌 pinned${m.pinned.by ? ` by ${m.pinned.by}` : ''}`, title: m.pinned.at ?? '' }),
    m.flags > 0 && h('span.marker.flagged', { textContent: `⚑ flagged${m.flags > 1 ? ` ×${m.flags}` : ''}` }),
    m.shadowed && h('span.marker.shadowed', { textContent: 'shadowed: only you see this', title: 'the author is shadow-banned: nobody else sees this message' }),
  ];
}

function rejectedItem(m) {
  return h(
    'li.message.rejected',
    { dataset: { id: m.id, user: m.user?.id ?? '' } },
    h('div.meta', {}, h('span.author', { textContent: m.user?.name ?? 'you' }), h('time', { textContent: time(m.createdAt), title: m.createdAt }), h('span.marker', { textContent: 'not sent: only you see this' })),
    h('div.text', { textContent: m.text }),
    h('div.notice', { textContent: m.rejected.notice }),
  );
}

function messageItem(m, replies, ctx) {
  if (m.system) return h('li.message.system', { dataset: { id: m.id } }, m.text);
  if (m.rejected) return rejectedItem(m);
  const classes = ['message', m.user?.isBot && 'bot', m.deleted && 'deleted', m.parentId && 'reply', m.pinned && 'pinned'].filter(Boolean).join('.');
  const editing = ctx.editing?.id === m.id;
  const error = ctx.error?.id === m.id ? ctx.error.message : '';
  return h(
    `li.${classes}`,
    { dataset: { id: m.id, user: m.user?.id ?? '' } },
    h(
      'div.meta',
      {},
      h('span.author', { textContent: m.user?.name ?? 'unknown' }),
      m.user?.isBot && h('span.badge', { textContent: 'bot' }),
      h('time', { textContent: time(m.createdAt), title: m.createdAt }),
      markers(m, ctx),
    ),
    m.deleted ? h('div.text', { textContent: 'This message was deleted.' }) : editing ? editForm(m, ctx) : h('div.text', {}, textWithMentions(m.text, m.mentions)),
    attachmentsOf(m.attachments),
    reactionRow(m, ctx),
    actionBar(m, ctx),
    error && h('p.form-error', { role: 'alert', textContent: error }),
    m.readBy.length > 0 && h('div.receipts', { textContent: `Read by ${m.readBy.map((u) => u.name).join(', ')}` }),
    replies.length > 0 && h('ol.replies', {}, replies.map((r) => messageItem(r, [], ctx))),
  );
}

/**
 * Replaces the list's content with `messages`, keeping the scroll pinned to the bottom when it was,
 * and the focus in an edit box that had it. `ctx`: { viewer, can(verb), editing, picking, error, writing
 * (the id of the message an AI is writing), act }.
 */
export function renderMessages(list, messages, ctx) {
  const pinned = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  const editFocused = document.activeElement?.classList.contains('edit-text');
  const ids = new Set(messages.map((m) => m.id));
  const replies = new Map();
  for (const m of messages) {
    if (m.parentId && ids.has(m.parentId)) replies.set(m.parentId, [...(replies.get(m.parentId) ?? []), m]);
  }
  const top = messages.filter((m) => !m.parentId || !ids.has(m.parentId));
  list.replaceChildren(...top.map((m) => messageItem(m, replies.get(m.id) ?? [], ctx)));
  if (pinned) list.scrollTop = list.scrollHeight;
  if (editFocused) list.querySelector('.edit-text')?.focus();
}
