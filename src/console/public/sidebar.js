// The conversation list and the "New conversation" form.
import { api, serial } from './api.js';
import { $, h } from './dom.js';
import { guard } from './forms.js';
import { emit, on, state } from './store.js';
import { refreshUsers } from './users.js';

export function renderConversations() {
  const list = $('#conversations');
  if (!state.conversations.length) {
    list.replaceChildren(h('li.empty', { textContent: 'No conversations yet: create one below.' }));
    return;
  }
  list.replaceChildren(
    ...state.conversations.map((c) =>
      h(
        `li.conversation${c.key === state.active ? '.active' : ''}`,
        { dataset: { key: c.key }, onclick: () => emit('pick', c.key), title: c.id },
        h('span.name', { textContent: c.name }),
        h(`span.badge.${c.platform}`, { textContent: c.platform === 'acs' ? 'ACS' : 'Stream' }),
      ),
    ),
  );
}

export const refreshList = serial(async () => {
  state.conversations = await api('GET', '/conversations');
  renderConversations();
});

/** The platform choices and, for the platform picked, who to create the conversation as. */
export function renderNewConversation() {
  const form = $('#new-conversation');
  const previous = form.platform.value;
  form.platform.replaceChildren(
    ...state.platforms.map((p) => h('option', { value: p.name, textContent: p.name === 'acs' ? 'ACS thread' : 'Stream channel', selected: p.name === previous })),
  );
  const platform = form.platform.value;
  const humans = (state.users[platform] ?? []).filter((u) => !u.isBot);
  const chosen = form.as.value && humans.some((u) => u.id === form.as.value) ? form.as.value : state.as[platform] ?? humans[0]?.id;
  form.as.replaceChildren(...humans.map((u) => h('option', { value: u.id, textContent: u.name, selected: u.id === chosen })));
}

export function initSidebar() {
  const form = $('#new-conversation');
  form.platform.addEventListener('change', () => {
    form.as.value = '';
    renderNewConversation();
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const platform = form.platform.value;
    void guard(form, async () => {
      let as = form.as.value;
      if (form.newUser.value.trim()) {
        // Creating a conversation as a new person: that is who you asked to post as there.
        as = (await api('POST', '/users', { platform, name: form.newUser.value })).id;
        await refreshUsers(platform);
      }
      if (!as) throw new Error(`Name a ${platform} user to create the conversation as.`);
      state.as[platform] = as;
      const c = await api('POST', '/conversations', { platform, name: form.name.value, as, withBot: form.withBot.checked });
      form.name.value = '';
      form.newUser.value = '';
      await refreshList();
      emit('pick', c.key);
    });
  });
  on('users', renderNewConversation);
  on('open', renderConversations);
}
