// What a user can do to a message, drawn under it: reactions, reply, edit (inline), delete, flag, pin.
// Which buttons show depends on the platform's abilities and on whose message it is.
import { h } from './dom.js';

/** Stream's default reaction types, as its UI kits draw them. */
export const REACTIONS = [
  ['like', '👍'],
  ['love', '❤️'],
  ['haha', '😂'],
  ['wow', '😮'],
  ['sad', '😢'],
];
const glyph = (type) => REACTIONS.find(([t]) => t === type)?.[1] ?? type;

/** Existing reactions as chips; a click adds or takes back the viewer's own. */
export function reactionRow(m, ctx) {
  if (!m.reactions?.length) return null;
  return h(
    'div.reactions',
    {},
    m.reactions.map((r) =>
      h(`button.reaction${r.mine ? '.mine' : ''}`, {
        type: 'button',
        dataset: { type: r.type },
        title: `${r.type}: ${r.users.join(', ')}`,
        textContent: `${glyph(r.type)} ${r.count}`,
        disabled: ctx.can('react') !== true,
        onclick: () => ctx.act.react(m, r.type, !r.mine),
      }),
    ),
  );
}

function picker(m, ctx) {
  if (ctx.picking !== m.id) return null;
  const mine = new Set((m.reactions ?? []).filter((r) => r.mine).map((r) => r.type));
  return h(
    'div.picker',
    { role: 'group', 'aria-label': 'reactions' },
    REACTIONS.map(([type, g]) => h(`button.pick${mine.has(type) ? '.mine' : ''}`, { type: 'button', dataset: { type }, title: type, textContent: g, onclick: () => ctx.act.react(m, type, !mine.has(type)) })),
  );
}

export function editForm(m, ctx) {
  const input = h('input.edit-text', { value: ctx.editing.text, 'aria-label': 'edited text', oninput: (e) => (ctx.editing.text = e.target.value) });
  return h(
    'form.edit.row',
    { onsubmit: (e) => (e.preventDefault(), ctx.act.saveEdit(m, input.value)) },
    input,
    h('button', { type: 'submit', textContent: 'Save' }),
    h('button.link', { type: 'button', textContent: 'cancel', onclick: () => ctx.act.cancelEdit() }),
  );
}

/** The row of action links under a message. */
export function actionBar(m, ctx) {
  if (m.deleted || m.rejected) return null;
  const own = m.user?.id === ctx.viewer;
  const link = (cls, text, onclick) => h(`button.link.${cls}`, { type: 'button', textContent: text, onclick: () => onclick(m) });
  return h(
    'div.actions',
    {},
    !m.parentId && link('reply-button', 'reply', ctx.act.reply),
    ctx.can('react') === true && link('react-button', 'react', ctx.act.togglePicker),
    own && ctx.can('edit') === true && link('edit-button', 'edit', ctx.act.startEdit),
    own && ctx.can('delete') === true && link('delete-button', 'delete', ctx.act.remove),
    !own && ctx.can('flag') === true && link('flag-button', 'flag', ctx.act.flag),
    ctx.can('pin') === true && link('pin-button', m.pinned ? 'unpin' : 'pin', (x) => ctx.act.pin(x, !m.pinned)),
    picker(m, ctx),
  );
}
