// The members panel: who is in the open conversation, what moderation says about them (banned,
// shadow-banned, muted), and the member verbs: add, remove, mute, ban (where the platform has them).
import { api, enc } from './api.js';
import { $, h, time } from './dom.js';
import { guard } from './forms.js';
import { ability, activePlatform, currentAs, on, state } from './store.js';

/** Who changes the member list: the chosen user when they are a member (ACS requires it), else any human member. */
function actingMember() {
  const chosen = currentAs();
  const members = state.snapshot?.members ?? [];
  if (members.some((m) => m.id === chosen)) return chosen;
  return members.find((m) => !m.isBot)?.id ?? chosen;
}

function banBadge(kind, ban) {
  return ban && h(`span.badge.warn.${kind}`, { textContent: `${kind}${ban.until ? ` until ${time(ban.until)}` : ''}`, title: ban.reason ?? '' });
}

function badges(u) {
  return [
    u.isBot && h('span.badge', { textContent: 'bot' }),
    banBadge('banned', u.banned),
    banBadge('shadow-banned', u.shadowBanned),
    u.mutedBy?.length && h('span.badge.muted', { textContent: `muted by ${u.mutedBy.map((x) => x.name).join(', ')}` }),
  ];
}

function memberItem(u, panel) {
  const platform = activePlatform();
  const me = currentAs();
  const muted = u.mutedBy?.some((x) => x.id === me);
  const run = (fn) => guard(panel, fn);
  const key = enc(state.active);
  return h(
    'li.member',
    { dataset: { id: u.id } },
    h('span.name', { textContent: u.name }),
    badges(u),
    h(
      'span.member-actions',
      {},
      u.id !== me && ability(platform, 'mute') === true && h('button.link.mute', {
        type: 'button',
        textContent: muted ? 'unmute' : 'mute',
        onclick: () => run(() => api('POST', `/users/${enc(u.id)}/mute`, { platform, as: me, muted: !muted })),
      }),
      u.id !== me && !u.isBot && ability(platform, 'ban') === true && h('button.link.ban', {
        type: 'button',
        textContent: u.banned ? 'unban' : 'ban',
        onclick: () => run(() => api('POST', `/conversations/${key}/members/${enc(u.id)}/ban`, { as: me, banned: !u.banned })),
      }),
      h('button.link.remove', {
        type: 'button',
        textContent: 'remove',
        onclick: () => run(() => api('DELETE', `/conversations/${key}/members/${enc(u.id)}?as=${enc(actingMember() ?? '')}`)),
      }),
    ),
  );
}

export function renderMembers() {
  const panel = $('#members-panel');
  const members = state.snapshot?.members ?? [];
  $('#members').replaceChildren(...members.map((u) => memberItem(u, panel)));
  const memberIds = new Set(members.map((m) => m.id));
  const users = state.users[activePlatform()] ?? [];
  $('#add-member select').replaceChildren(...users.filter((u) => !memberIds.has(u.id)).map((u) => h('option', { value: u.id, textContent: u.name + (u.isBot ? ' (bot)' : '') })));
}

export function initMembers() {
  const form = $('#add-member');
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void guard(form, () => api('POST', `/conversations/${enc(state.active)}/members`, { as: actingMember(), userId: form.user.value }));
  });
  on('chat', renderMembers);
  on('users', renderMembers);
}
