// The event inspector: one line per inbound event (what ingest did and why, which handlers ran), per
// schedule (its ticks folded), per before-send decision (verdict and time), per streamed reply (its
// indicator states and updates; the bot's own echoed updates fold into one line). A line opens to the
// normalized event and the platform's raw payload. Filters by platform, type and bot; "Clear".
import { api, enc } from './api.js';
import { $, h, time } from './dom.js';
import { guard } from './forms.js';

const entries = new Map(); // id → InspectorEntry, in arrival order
const opened = new Map(); // id → detail (or null while loading)

function runLine(r) {
  const state = r.error || r.result === 'error' || r.result === 'timeout' ? 'failed' : r.skipped || r.result === 'skipped' ? 'skipped' : 'ok';
  const what = r.result ? `${r.result}${r.detail ? ` (${r.detail})` : ''} ` : '';
  const text = `${r.bot}/${r.handler} ${what}${r.skipped ? `skipped (${r.skipped})` : `${Math.round(r.ms)} ms`}${r.error ? ` ✗ ${r.error}` : ''}`;
  return h(`li.run.${state}`, { textContent: text });
}

function summary(e) {
  if (e.kind === 'schedule') return `${e.ticks} tick${e.ticks === 1 ? '' : 's'}${e.failedTicks ? `, ${e.failedTicks} failed` : ''}, last at ${time(e.at)}`;
  if (e.kind === 'stream') {
    const st = e.stream;
    const states = st.states.map((x) => (x === 'clear' ? 'cleared' : x.replace(/^AI_STATE_/, '').toLowerCase())).join(' → ');
    return `${states || 'no indicator'} · ${st.updates} partial update${st.updates === 1 ? '' : 's'} · ${st.chars} chars · ${st.outcome ?? 'streaming…'}`;
  }
  if (e.kind === 'decision') {
    const d = e.decision;
    return `${d.verdict} in ${Math.round(d.ms)} ms (budget ${d.budgetMs} ms)${d.policy ? ` by policy ${d.policy}` : ''}${d.skipped ? `: ${d.skipped}` : ''}`;
  }
  return '';
}

function detailBlock(e) {
  const d = opened.get(e.id);
  return h(
    'details.payload',
    {
      open: opened.has(e.id),
      ontoggle: (ev) => {
        if (!ev.target.open) return void opened.delete(e.id);
        if (opened.has(e.id)) return;
        opened.set(e.id, null);
        void api('GET', `/events/${enc(e.id)}`)
          .then((detail) => opened.set(e.id, detail))
          .catch((err) => opened.set(e.id, { error: String(err.message ?? err) }))
          .finally(render);
      },
    },
    h('summary', { textContent: e.kind === 'decision' ? 'decision and hook call' : e.kind === 'stream' ? 'last step' : 'payload' }),
    d === null && h('p.note', { textContent: 'loading…' }),
    d?.error && h('p.form-error', { textContent: d.error }),
    d && !d.error && [
      h('h4', { textContent: e.kind === 'decision' ? 'Decision' : e.kind === 'stream' ? 'Stream progress' : 'Normalized event' }),
      h('pre.normalized', { textContent: JSON.stringify(d.event, null, 2) }),
      h('h4', { textContent: e.kind === 'decision' ? 'Emulator hook call' : 'Raw platform payload' }),
      h('pre.raw', { textContent: d.raw === null || d.raw === undefined ? '(none)' : JSON.stringify(d.raw, null, 2) }),
    ],
  );
}

function entryItem(e) {
  const runs = e.runs ?? [];
  return h(
    `li.event.${e.kind ?? 'event'}`,
    { dataset: { id: e.id, type: e.type, platform: e.platform } },
    h(
      'div.meta',
      {},
      h('strong', { textContent: e.type }),
      h('span.badge', { textContent: e.platform }),
      h('time', { textContent: time(e.at) }),
      e.outcome && h(`span.outcome.${e.outcome}`, { textContent: `${e.outcome}${e.repeats > 1 ? ` ×${e.repeats}` : ''}` }),
      e.redelivered && h('span.outcome.redelivered', { textContent: `delivered again ×${e.redelivered}` }),
    ),
    e.reason && h('div.reason', { textContent: `why: ${e.reason}` }),
    summary(e) && h('div.summary', { textContent: summary(e) }),
    h('div.who', { title: e.conversation ?? '', textContent: `${e.sender ?? ''}${e.member && e.member !== e.sender ? ` → ${e.member}` : ''}${e.conversationName ? ` in ${e.conversationName}` : ''}` }),
    e.text && h('div.text', { textContent: e.text }),
    h(
      'ul.runs',
      {},
      runs.map(runLine),
      e.kind === 'event' && e.outcome === 'accepted' && !e.runs && h('li.run.skipped', { textContent: 'running…' }),
      e.note && h('li.run.skipped.note', { textContent: e.note }),
    ),
    detailBlock(e),
  );
}

/** Refills a filter's choices from what the inspector has seen, keeping the one picked. */
function fillFilter(select, values) {
  const picked = select.value;
  const options = [...new Set(values)].filter(Boolean).sort();
  select.replaceChildren(h('option', { value: '', textContent: 'all' }), ...options.map((v) => h('option', { value: v, textContent: v, selected: v === picked })));
}

export function render() {
  const form = $('#event-filters');
  const all = [...entries.values()];
  fillFilter(form.platform, all.map((e) => e.platform));
  fillFilter(form.type, all.map((e) => e.type));
  fillFilter(form.bot, all.flatMap((e) => e.bots ?? []));
  const { platform, type, bot } = { platform: form.platform.value, type: form.type.value, bot: form.bot.value };
  const shown = all.filter((e) => (!platform || e.platform === platform) && (!type || e.type === type) && (!bot || (e.bots ?? []).includes(bot)));
  const empty = h('li.empty', { textContent: all.length ? 'Nothing matches the filters.' : 'No events yet.' });
  $('#events').replaceChildren(...(shown.length ? shown.reverse().map(entryItem) : [empty]));
}

/** Upserts one entry (the feed's `inspector` frames); a changed line moves to the top. */
export function upsertEvent(entry) {
  entries.delete(entry.id);
  entries.set(entry.id, entry);
  render();
}

export function clearEvents() {
  entries.clear();
  opened.clear();
  render();
}

export async function refreshEvents() {
  const list = await api('GET', '/events');
  entries.clear();
  for (const e of list) entries.set(e.id, e);
  render();
}

export function initInspector() {
  const form = $('#event-filters');
  form.addEventListener('change', render);
  $('#clear-events').addEventListener('click', () => guard(form, async () => {
    await api('DELETE', '/events');
    clearEvents();
  }));
}
