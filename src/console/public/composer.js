// The composer: who the page posts as, the text, a thread reply in progress, typing notifications,
// and uploads (an image or file sent through the platform's file endpoint, with the text as its message).
import { api, enc, uploadFile } from './api.js';
import { $, h } from './dom.js';
import { guard, showError } from './forms.js';
import { ability, activePlatform, currentAs, emit, on, state } from './store.js';

/** The "Post as" choices: the humans of the open conversation's platform. */
export function renderAsPicker() {
  const platform = activePlatform();
  const humans = (state.users[platform] ?? []).filter((u) => !u.isBot);
  if (platform && !humans.some((u) => u.id === state.as[platform])) state.as[platform] = humans[0]?.id;
  $('#as-user').replaceChildren(...humans.map((u) => h('option', { value: u.id, textContent: u.name, selected: u.id === state.as[platform] })));
  const canUpload = ability(platform, 'upload');
  $('#attach').classList.toggle('disabled', canUpload !== true);
  $('#upload').disabled = canUpload !== true;
  const note = $('#upload-note');
  note.hidden = !platform || canUpload === true;
  note.textContent = canUpload === true ? '' : String(canUpload);
}

function renderReply() {
  $('#replying').hidden = !state.replyTo;
  $('#replying q').textContent = state.replyTo?.text.slice(0, 60) ?? '';
}

function poster() {
  if (!state.active) throw new Error('Pick a conversation first.');
  if (!currentAs()) throw new Error('Create a user to post as.');
  return currentAs();
}

export function initComposer() {
  const form = $('#composer');
  const input = $('#text');
  let lastTyping = 0;
  const sent = () => {
    input.value = '';
    lastTyping = 0;
    state.replyTo = null;
    renderReply();
  };
  $('#as-user').addEventListener('change', (e) => {
    state.as[activePlatform()] = e.target.value;
    emit('as');
  });
  $('#cancel-reply').addEventListener('click', () => {
    state.replyTo = null;
    renderReply();
  });
  input.addEventListener('input', () => {
    const as = currentAs();
    if (!state.active || !as || Date.now() - lastTyping < 3000) return;
    lastTyping = Date.now();
    void api('POST', `/conversations/${enc(state.active)}/typing`, { as }).catch(() => undefined);
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void guard(form, async () => {
      const as = poster();
      await api('POST', `/conversations/${enc(state.active)}/messages`, { as, text: input.value, ...(state.replyTo ? { parentId: state.replyTo.id } : {}) });
      sent();
    });
  });
  const upload = $('#upload');
  upload.addEventListener('change', () => {
    const file = upload.files?.[0];
    if (!file) return;
    void guard(form, async () => {
      const as = poster();
      try {
        await uploadFile(state.active, file, { as, ...(input.value ? { text: input.value } : {}), ...(state.replyTo ? { parentId: state.replyTo.id } : {}) });
        sent();
      } finally {
        upload.value = '';
      }
    });
  });
  on('reply', renderReply);
  on('open', () => {
    state.replyTo = null;
    renderReply();
    showError(form, null);
    renderAsPicker();
  });
  on('users', renderAsPicker);
}
