// The console page: loads state, opens the live feed, and wires the panels together. Each panel lives
// in its own module: sidebar.js, chat.js (+ messages.js, message-actions.js), composer.js, users.js,
// members.js, schedules.js (schedules and timers), faults.js, inspector.js.
import { api, openFeed } from './api.js';
import { initChat, refreshChat } from './chat.js';
import { initComposer, renderAsPicker } from './composer.js';
import { $, h } from './dom.js';
import { initFaults, refreshFaults } from './faults.js';
import { clearEvents, initInspector, refreshEvents, upsertEvent } from './inspector.js';
import { initMembers } from './members.js';
import { refreshSchedules, refreshTimers } from './schedules.js';
import { initSidebar, refreshList, renderNewConversation } from './sidebar.js';
import { emit, on, platformOf, state } from './store.js';
import { initUsers, refreshUsers } from './users.js';

async function refreshAll() {
  const info = await api('GET', '/state');
  state.platforms = info.platforms;
  state.features = info.features ?? {};
  $('#bots').replaceChildren(
    ...info.bots.map((b) => h('span.bot-chip', { textContent: b })),
    ...info.problems.map((p) => h('span.bot-chip.problem', { textContent: `${p.name ?? p.file}: ${p.reason}`, title: p.fix })),
  );
  renderNewConversation();
  await Promise.all([...info.platforms.map((p) => refreshUsers(p.name)), refreshList(), refreshSchedules(), refreshTimers(), refreshFaults(), refreshEvents()]);
  if (!state.active && state.conversations[0]) state.active = state.conversations[0].key;
  renderAsPicker();
  emit('open');
}

function pick(key) {
  state.active = key;
  location.hash = encodeURIComponent(key);
  emit('open');
}

/** First run: a person to post as and a `general` conversation on each platform, then open one. */
async function firstRun() {
  const ready = await api('POST', '/first-run');
  for (const [platform, id] of Object.entries(ready.as)) state.as[platform] ??= id;
  if (!state.active && ready.open) state.active = ready.open;
}

function start() {
  initSidebar();
  initChat();
  initComposer();
  initUsers();
  initMembers();
  initInspector();
  initFaults();
  on('pick', pick);
  if (location.hash.length > 1) state.active = decodeURIComponent(location.hash.slice(1));
  let ready = firstRun().catch((err) => console.error('console first run failed', err));
  openFeed(
    {
      changed: ({ keys }) => {
        if (keys.some((k) => k === state.active || k === `${platformOf(state.active)}:*`)) void refreshChat();
        // A fault with a count wears off as calls use it; calls change the emulators.
        void refreshFaults();
      },
      conversations: () => refreshList(),
      users: ({ platform }) => refreshUsers(platform),
      schedules: () => refreshSchedules(),
      timers: () => refreshTimers(),
      faults: () => refreshFaults(),
      inspector: upsertEvent,
      'inspector-cleared': clearEvents,
    },
    (online) => {
      const live = $('#live');
      live.className = online ? 'online' : 'offline';
      live.textContent = online ? 'live' : 'reconnecting…';
      // After a drop, anything may have changed.
      if (online) ready = ready.then(refreshAll).catch((err) => console.error('console refresh failed', err));
    },
  );
  // Due times are shown in words ("in 12s"): keep them current.
  // Faults with a count wear off as calls use them.
  setInterval(() => void refreshSchedules().then(refreshTimers).then(refreshFaults), 5000);
}

start();
