// The console page: state, wiring and live updates. Rendering lives in messages.js and panels.js.
import { api, enc, openFeed, serial } from './api.js';
import { $, h } from './dom.js';
import { renderMessages } from './messages.js';
import { renderConversations, renderEvents, renderMembers, renderSchedules } from './panels.js';

const state = {
  platforms: [],
  conversations: [],
  active: null, // conversation key
  snapshot: null,
  users: {}, // platform → ConsoleUser[]
  as: {}, // platform → chosen user id
  events: new Map(),
  replyTo: null,
};

const platformOf = (key) => key?.slice(0, key.indexOf(':'));

function showError(err) {
  const el = $('#error');
  el.hidden = !err;
  el.textContent = err ? String(err.message ?? err) : '';
}
async function guarded(fn) {
  try {
    showError(null);
    await fn();
  } catch (err) {
    showError(err);
  }
}

const refreshList = serial(async () => {
  state.conversations = await api('GET', '/conversations');
  renderConversations($('#conversations'), state.conversations, state.active, pick);
});

const refreshChat = serial(async () => {
  if (!state.active) return;
  const key = state.active;
  const snap = await api('GET', `/conversations/${enc(key)}`).catch(() => null);
  if (key !== state.active) return;
  state.snapshot = snap;
  $('#chat-title').textContent = snap ? snap.conversation.name : 'Conversation not found';
  const badge = $('#chat-platform');
  badge.textContent = snap ? (snap.conversation.platform === 'acs' ? 'ACS thread' : 'Stream channel') : '';
  badge.className = `badge ${snap?.conversation.platform ?? ''}`;
  renderMessages($('#messages'), snap?.messages ?? [], startReply);
  $('#typing').textContent = snap?.typing.length ? `${snap.typing.map((u) => u.name).join(', ')} ${snap.typing.length > 1 ? 'are' : 'is'} typing…` : '';
  renderMembers($('#members'), snap?.members ?? [], removeMember);
  renderUserPickers();
});

async function refreshUsers(platform) {
  state.users[platform] = await api('GET', `/users?platform=${enc(platform)}`);
  renderUserPickers();
}

/** The new-conversation form's "create as" choices: the humans of the platform picked there. */
function renderCreatorPicker() {
  const form = $('#new-conversation');
  const platform = form.platform.value;
  const humans = (state.users[platform] ?? []).filter((u) => !u.isBot);
  const chosen = state.as[platform] ?? humans[0]?.id;
  form.as.replaceChildren(...humans.map((u) => h('option', { value: u.id, textContent: u.name, selected: u.id === chosen })));
}

function renderUserPickers() {
  renderCreatorPicker();
  const platform = platformOf(state.active);
  const users = state.users[platform] ?? [];
  const humans = users.filter((u) => !u.isBot);
  if (!humans.some((u) => u.id === state.as[platform])) state.as[platform] = humans[0]?.id;
  const asSel = $('#as-user');
  asSel.replaceChildren(...humans.map((u) => h('option', { value: u.id, textContent: u.name, selected: u.id === state.as[platform] })));
  const memberIds = new Set((state.snapshot?.members ?? []).map((m) => m.id));
  const addSel = $('#add-member select');
  addSel.replaceChildren(...users.filter((u) => !memberIds.has(u.id)).map((u) => h('option', { value: u.id, textContent: u.name + (u.isBot ? ' (bot)' : '') })));
}

const refreshSchedules = serial(async () => {
  renderSchedules($('#schedules'), await api('GET', '/schedules'), (s) => guarded(() => api('POST', `/schedules/${enc(s.id)}/run`)));
});

async function refreshEvents() {
  state.events = new Map((await api('GET', '/events')).map((e) => [e.id, e]));
  renderEvents($('#events'), state.events.values());
}

async function refreshAll() {
  const info = await api('GET', '/state');
  state.platforms = info.platforms;
  $('#bots').replaceChildren(
    ...info.bots.map((b) => h('span.bot-chip', { textContent: b })),
    ...info.problems.map((p) => h('span.bot-chip.problem', { textContent: `${p.name ?? p.file}: ${p.reason}`, title: p.fix })),
  );
  const platformSel = $('#new-conversation select[name=platform]');
  const previous = platformSel.value;
  platformSel.replaceChildren(...info.platforms.map((p) => h('option', { value: p.name, textContent: p.name === 'acs' ? 'ACS thread' : 'Stream channel', selected: p.name === previous })));
  await Promise.all([...info.platforms.map((p) => refreshUsers(p.name)), refreshList(), refreshSchedules(), refreshEvents()]);
  if (!state.active && state.conversations[0]) state.active = state.conversations[0].key;
  await refreshChat();
  renderConversations($('#conversations'), state.conversations, state.active, pick);
}

function pick(key) {
  state.active = key;
  state.replyTo = null;
  renderReply();
  location.hash = enc(key);
  renderConversations($('#conversations'), state.conversations, state.active, pick);
  void refreshChat();
}

function startReply(m) {
  state.replyTo = m;
  renderReply();
  $('#text').focus();
}
function renderReply() {
  $('#replying').hidden = !state.replyTo;
  $('#replying q').textContent = state.replyTo?.text.slice(0, 60) ?? '';
}

/** Who changes the member list: the chosen user when they are a member (ACS requires it), else any human member. */
function actingMember() {
  const chosen = state.as[platformOf(state.active)];
  const members = state.snapshot?.members ?? [];
  if (members.some((m) => m.id === chosen)) return chosen;
  return members.find((m) => !m.isBot)?.id ?? chosen;
}

function removeMember(u) {
  const as = actingMember();
  void guarded(() => api('DELETE', `/conversations/${enc(state.active)}/members/${enc(u.id)}?as=${enc(as ?? '')}`));
}

function wire() {
  $('#new-conversation').addEventListener('submit', (e) => {
    e.preventDefault();
    const form = e.target;
    const platform = form.platform.value;
    void guarded(async () => {
      let as = form.as.value;
      if (form.newUser.value.trim()) {
        as = (await api('POST', '/users', { platform, name: form.newUser.value })).id;
        await refreshUsers(platform);
      }
      if (!as) throw new Error(`Name a ${platform} user to create the conversation as.`);
      state.as[platform] = as;
      const c = await api('POST', '/conversations', { platform, name: form.name.value, as, withBot: form.withBot.checked });
      form.name.value = '';
      form.newUser.value = '';
      await refreshList();
      pick(c.key);
    });
  });
  $('#new-conversation select[name=platform]').addEventListener('change', renderCreatorPicker);
  $('#create-user').addEventListener('click', () => {
    const input = $('#new-user-name');
    const platform = platformOf(state.active);
    if (!platform) return showError(new Error('Open a conversation first, or create one as a new user.'));
    void guarded(async () => {
      const u = await api('POST', '/users', { platform, name: input.value });
      input.value = '';
      state.as[platform] = u.id;
      await refreshUsers(platform);
    });
  });
  $('#as-user').addEventListener('change', (e) => (state.as[platformOf(state.active)] = e.target.value));
  $('#cancel-reply').addEventListener('click', () => {
    state.replyTo = null;
    renderReply();
  });
  let lastTyping = 0;
  $('#text').addEventListener('input', () => {
    const as = state.as[platformOf(state.active)];
    if (!state.active || !as || Date.now() - lastTyping < 3000) return;
    lastTyping = Date.now();
    void api('POST', `/conversations/${enc(state.active)}/typing`, { as }).catch(() => undefined);
  });
  $('#composer').addEventListener('submit', (e) => {
    e.preventDefault();
    const input = $('#text');
    const as = state.as[platformOf(state.active)];
    void guarded(async () => {
      if (!state.active) throw new Error('Pick a conversation first.');
      if (!as) throw new Error('Create a user to post as.');
      await api('POST', `/conversations/${enc(state.active)}/messages`, { as, text: input.value, ...(state.replyTo ? { parentId: state.replyTo.id } : {}) });
      input.value = '';
      lastTyping = 0;
      state.replyTo = null;
      renderReply();
    });
  });
  $('#add-member').addEventListener('submit', (e) => {
    e.preventDefault();
    const userId = e.target.user.value;
    const as = actingMember();
    void guarded(() => api('POST', `/conversations/${enc(state.active)}/members`, { as, userId }));
  });
}

function start() {
  wire();
  if (location.hash.length > 1) state.active = decodeURIComponent(location.hash.slice(1));
  openFeed(
    {
      changed: ({ keys }) => keys.includes(state.active) && refreshChat(),
      conversations: () => refreshList(),
      users: ({ platform }) => refreshUsers(platform),
      schedules: () => refreshSchedules(),
      inspector: (entry) => {
        state.events.set(entry.id, { ...state.events.get(entry.id), ...entry });
        renderEvents($('#events'), state.events.values());
      },
    },
    (online) => {
      const live = $('#live');
      live.className = online ? 'online' : 'offline';
      live.textContent = online ? 'live' : 'reconnecting…';
      // After a drop, anything may have changed.
      if (online) void guarded(refreshAll);
    },
  );
  setInterval(() => void refreshSchedules(), 5000);
}

start();
