// The open conversation: its header (name, platform, rename), what the platform cannot do, its
// messages with their actions, and who is typing. Acts as the user picked in "Post as".
import { api, enc, serial } from './api.js';
import { $ } from './dom.js';
import { guard } from './forms.js';
import { renderMessages } from './messages.js';
import { ability, activePlatform, currentAs, emit, on, state } from './store.js';

/** The verbs whose absence the chat header explains (edit, delete and rename exist everywhere). */
const NOTED_VERBS = ['react', 'upload', 'flag', 'pin', 'mute', 'ban', 'stop'];
/** What a client says for each AI indicator state. */
const AI_WORDS = { AI_STATE_THINKING: 'is thinking…', AI_STATE_GENERATING: 'is writing…', AI_STATE_EXTERNAL_SOURCES: 'is checking sources…', AI_STATE_ERROR: 'ran into an error' };

/** Runs a message action; its error shows on that message. */
async function act(m, fn) {
  state.messageError = null;
  try {
    await fn();
  } catch (err) {
    state.messageError = { id: m.id, message: String(err.message ?? err) };
  }
  draw();
}

const path = (m) => `/conversations/${enc(state.active)}/messages/${enc(m.id)}`;
const actions = {
  reply(m) {
    state.replyTo = m;
    emit('reply');
    $('#text').focus();
  },
  togglePicker(m) {
    state.picking = state.picking === m.id ? null : m.id;
    draw();
  },
  react: (m, type, onOff) =>
    act(m, async () => {
      state.picking = null;
      if (onOff) await api('POST', `${path(m)}/reactions`, { as: currentAs(), type });
      else await api('DELETE', `${path(m)}/reactions/${enc(type)}?as=${enc(currentAs())}`);
    }),
  startEdit(m) {
    state.editing = { id: m.id, text: m.text };
    draw();
    $('#messages .edit-text')?.focus();
  },
  cancelEdit() {
    state.editing = null;
    draw();
  },
  saveEdit: (m, text) =>
    act(m, async () => {
      await api('PATCH', path(m), { as: currentAs(), text });
      state.editing = null;
    }),
  remove: (m) => act(m, () => api('DELETE', `${path(m)}?as=${enc(currentAs())}`)),
  flag: (m) => act(m, () => api('POST', `${path(m)}/flag`, { as: currentAs() })),
  pin: (m, pinned) => act(m, () => api('POST', `${path(m)}/pin`, { as: currentAs(), pinned })),
};

/** Redraws the open conversation from the last snapshot. */
export function draw() {
  const snap = state.snapshot;
  const platform = activePlatform();
  $('#chat-title').textContent = snap ? snap.conversation.name : state.active ? 'Conversation not found' : 'Pick or create a conversation';
  const badge = $('#chat-platform');
  badge.textContent = snap ? (snap.conversation.platform === 'acs' ? 'ACS thread' : 'Stream channel') : '';
  badge.className = `badge ${snap?.conversation.platform ?? ''}`;
  $('#rename-open').hidden = !snap;
  const missing = NOTED_VERBS.filter((v) => ability(platform, v) !== true);
  const notes = $('#platform-notes');
  notes.hidden = !snap || !missing.length;
  notes.textContent = missing.map((v) => ability(platform, v)).join('. ');
  renderMessages($('#messages'), snap?.messages ?? [], {
    viewer: currentAs(),
    can: (verb) => ability(platform, verb),
    editing: state.editing,
    picking: state.picking,
    error: state.messageError,
    writing: snap?.ai?.messageId,
    act: actions,
  });
  drawAi(snap?.ai, platform);
  $('#typing').textContent = snap?.typing.length ? `${snap.typing.map((u) => u.name).join(', ')} ${snap.typing.length > 1 ? 'are' : 'is'} typing…` : '';
}

/** The AI indicator of a streamed reply, with Stop (which sends ai_indicator.stop as the chosen user). */
function drawAi(ai, platform) {
  const box = $('#ai-indicator');
  box.hidden = !ai;
  if (!ai) return;
  const words = AI_WORDS[ai.state] ?? ai.state;
  box.dataset.state = ai.state;
  box.querySelector('.ai-state').textContent = `${ai.by.name} ${words}`;
  box.querySelector('.ai-stop').hidden = ability(platform, 'stop') !== true || ai.state === 'AI_STATE_ERROR';
}

/** Fetches the open conversation as the current user sees it, then redraws the chat and the panels. */
export const refreshChat = serial(async () => {
  if (!state.active) return draw();
  const key = state.active;
  const as = currentAs();
  const snap = await api('GET', `/conversations/${enc(key)}${as ? `?as=${enc(as)}` : ''}`).catch(() => null);
  if (key !== state.active) return;
  state.snapshot = snap;
  if (state.editing && !snap?.messages.some((m) => m.id === state.editing.id && !m.deleted)) state.editing = null;
  draw();
  emit('chat');
});

export function initChat() {
  const form = $('#rename');
  $('#rename-open').addEventListener('click', () => {
    form.hidden = false;
    form.name.value = state.snapshot?.conversation.name ?? '';
    form.name.focus();
  });
  $('#rename-cancel').addEventListener('click', () => (form.hidden = true));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void guard(form, async () => {
      await api('PATCH', `/conversations/${enc(state.active)}`, { as: currentAs(), name: form.name.value });
      form.hidden = true;
    });
  });
  const aiBox = $('#ai-indicator');
  aiBox.querySelector('.ai-stop').addEventListener('click', () =>
    guard(aiBox, () => api('POST', `/conversations/${enc(state.active)}/ai-stop`, { as: currentAs() })),
  );
  on('as', () => void refreshChat());
  on('open', () => {
    form.hidden = true;
    state.editing = null;
    state.picking = null;
    state.messageError = null;
    void refreshChat();
  });
}
