// The fault panel: inject the emulators' faults (429s, 5xx, slow answers, duplicated or reordered
// webhook deliveries, a slow before-send hook…) in the grammar `platform:target:effect[xN|@N%]`, see
// what is set, clear it. Shown where the emulators offer fault injection.
import { api, serial } from './api.js';
import { $, h } from './dom.js';
import { guard } from './forms.js';
import { state } from './store.js';

/** One click each: what production does to a bot now and then. */
const PRESETS = [
  ['stream:send:429x3', 'Stream: the next 3 sends are rate-limited (429)'],
  ['stream:webhook:dupx3', 'Stream: the next 3 webhooks arrive twice'],
  ['stream:hook:slow2sx1', "Stream: the next before-send call takes 2 s (over the hook's budget)"],
  ['acs:send:503x2', 'ACS: the next 2 sends fail (503)'],
  ['acs:list:503x3', 'ACS: the next 3 message listings fail (503): the poller retries'],
];

export const refreshFaults = serial(async () => {
  const panel = $('#faults-panel');
  panel.hidden = state.features?.faults !== true;
  if (panel.hidden) return;
  const { faults } = await api('GET', '/faults');
  const items = Object.entries(faults).flatMap(([platform, list]) => list.map((f) => h('li.fault', { dataset: { platform }, textContent: `${platform}: ${f}` })));
  $('#faults').replaceChildren(...(items.length ? items : [h('li.empty', { textContent: 'No faults set.' })]));
  $('#clear-faults').hidden = !items.length;
});

export function initFaults() {
  const form = $('#fault-form');
  const inject = (spec) => guard(form, async () => {
    await api('POST', '/faults', { spec });
    form.spec.value = '';
    await refreshFaults();
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void inject(form.spec.value);
  });
  $('#fault-presets').replaceChildren(...PRESETS.map(([spec, words]) => h('button.preset', { type: 'button', textContent: spec, title: words, dataset: { spec }, onclick: () => inject(spec) })));
  $('#clear-faults').addEventListener('click', () => guard(form, async () => {
    await api('DELETE', '/faults');
    await refreshFaults();
  }));
}
