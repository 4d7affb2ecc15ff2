// Creating a user. A new user is never silently made the one you post as: the page says who was
// created and offers to switch, and "Post as" keeps its choice until you change it.
import { api } from './api.js';
import { $, h } from './dom.js';
import { guard } from './forms.js';
import { activePlatform, emit, state } from './store.js';

/** Reloads a platform's users and tells the panels. */
export async function refreshUsers(platform) {
  state.users[platform] = await api('GET', `/users?platform=${encodeURIComponent(platform)}`);
  emit('users', platform);
}

export function initUsers() {
  const form = $('#create-user-form');
  const note = $('#created-user');
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const input = $('#new-user-name');
    const platform = activePlatform();
    void guard(form, async () => {
      if (!platform) throw new Error('Open a conversation first: the user is made on its platform.');
      const u = await api('POST', '/users', { platform, name: input.value });
      input.value = '';
      await refreshUsers(platform);
      const current = state.users[platform]?.find((x) => x.id === state.as[platform]);
      note.hidden = false;
      note.replaceChildren(
        `Created ${u.name}. You still post as ${current?.name ?? 'nobody'}. `,
        h('button.link.switch-user', {
          type: 'button',
          textContent: `Post as ${u.name}`,
          onclick: () => {
            state.as[platform] = u.id;
            note.hidden = true;
            emit('users', platform);
            emit('as');
          },
        }),
      );
    });
  });
}
