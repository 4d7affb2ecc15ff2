// The schedules panel: every bot schedule with its next run and "Run now"; every pending or failed
// one-off timer (bot.timer / ctx.timers) with "Fire now" and "Cancel".
import { api, enc, serial } from './api.js';
import { $, h, time } from './dom.js';
import { guard } from './forms.js';

function inWords(iso) {
  if (!iso) return 'not scheduled';
  const s = Math.round((Date.parse(iso) - Date.now()) / 1000);
  if (s < 0) return `${time(iso)} (due)`;
  if (s < 90) return `${time(iso)} (in ${s}s)`;
  return `${new Date(iso).toLocaleString()} (in ${Math.round(s / 60)} min)`;
}

function render(schedules) {
  const panel = $('#schedules-panel');
  const list = $('#schedules');
  if (!schedules.length) {
    list.replaceChildren(h('li.empty', { textContent: 'No schedules.' }));
    return;
  }
  list.replaceChildren(
    ...schedules.map((s) =>
      h(
        'li.schedule',
        { dataset: { id: s.id } },
        h('div', {}, h('strong', { textContent: s.id }), ' ', h('code', { textContent: s.cron }), s.timezone ? ` ${s.timezone}` : ''),
        h('div.next', { textContent: `next: ${inWords(s.nextRun)}` }),
        s.target && h('div.target', { textContent: `→ ${s.target}` }),
        h('button.run', { type: 'button', textContent: 'Run now', onclick: () => guard(panel, () => api('POST', `/schedules/${enc(s.id)}/run`)) }),
      ),
    ),
  );
}

export const refreshSchedules = serial(async () => render(await api('GET', '/schedules')));

function timerItem(t, panel) {
  const path = `/timers/${enc(t.bot)}/${enc(t.id)}`;
  return h(
    `li.timer.${t.state}`,
    { dataset: { id: t.id, bot: t.bot } },
    h('div', {}, h('strong', { textContent: `${t.bot}/${t.name}` }), ' ', h('code', { textContent: t.id }), t.state === 'failed' && h('span.badge.warn', { textContent: 'failed' })),
    h('div.next', { textContent: `${t.state === 'failed' ? 'was due' : 'due'}: ${inWords(t.state === 'failed' ? t.dueAt : t.nextRunAt)}${t.attempt > 1 ? ` (try ${t.attempt})` : ''}` }),
    (t.conversationName || t.user) && h('div.target', { textContent: `${t.conversationName ? `→ ${t.conversationName}` : ''}${t.user ? ` for ${t.user}` : ''}` }),
    t.payload && h('div.payload', { textContent: t.payload }),
    t.error && h('div.form-error', { textContent: t.error }),
    h(
      'div.row',
      {},
      h('button.fire', { type: 'button', textContent: 'Fire now', onclick: () => guard(panel, () => api('POST', `${path}/fire`)) }),
      h('button.cancel', { type: 'button', textContent: 'Cancel', onclick: () => guard(panel, () => api('DELETE', path)) }),
    ),
  );
}

/** Reloads the pending timers. */
export const refreshTimers = serial(async () => {
  const timers = await api('GET', '/timers');
  const panel = $('#schedules-panel');
  $('#timers').replaceChildren(...(timers.length ? timers.map((t) => timerItem(t, panel)) : [h('li.empty', { textContent: 'No pending timers.' })]));
});
