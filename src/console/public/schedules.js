// The schedules panel: every bot schedule with its next run and "Run now".
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
