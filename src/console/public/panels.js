// The side panels: conversation list, members, schedules, and the event inspector.
import { h, time } from './dom.js';

export function renderConversations(list, conversations, activeKey, onPick) {
  if (!conversations.length) {
    list.replaceChildren(h('li.empty', { textContent: 'No conversations yet: create one below.' }));
    return;
  }
  list.replaceChildren(
    ...conversations.map((c) =>
      h(
        `li.conversation${c.key === activeKey ? '.active' : ''}`,
        { dataset: { key: c.key }, onclick: () => onPick(c.key), title: c.id },
        h('span.name', { textContent: c.name }),
        h(`span.badge.${c.platform}`, { textContent: c.platform === 'acs' ? 'ACS' : 'Stream' }),
      ),
    ),
  );
}

export function renderMembers(list, members, onRemove) {
  list.replaceChildren(
    ...members.map((u) =>
      h(
        'li.member',
        { dataset: { id: u.id } },
        h('span', { textContent: u.name + (u.isBot ? ' (bot)' : '') }),
        h('button.link.remove', { type: 'button', textContent: 'remove', onclick: () => onRemove(u) }),
      ),
    ),
  );
}

function inWords(iso) {
  if (!iso) return 'not scheduled';
  const s = Math.round((Date.parse(iso) - Date.now()) / 1000);
  if (s < 0) return `${time(iso)} (due)`;
  if (s < 90) return `${time(iso)} (in ${s}s)`;
  return `${new Date(iso).toLocaleString()} (in ${Math.round(s / 60)} min)`;
}

export function renderSchedules(list, schedules, onRun) {
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
        h('button.run', { type: 'button', textContent: 'Run now', onclick: () => onRun(s) }),
      ),
    ),
  );
}

function runLine(r) {
  const state = r.error ? 'failed' : r.skipped ? 'skipped' : 'ok';
  const text = `${r.bot}/${r.handler} ${r.skipped ? `skipped (${r.skipped})` : `${Math.round(r.ms)} ms`}${r.error ? ` ✗ ${r.error}` : ''}`;
  return h(`li.run.${state}`, { textContent: text });
}

/** Newest first. */
export function renderEvents(list, entries) {
  list.replaceChildren(
    ...[...entries].reverse().map((e) =>
      h(
        'li.event',
        { dataset: { id: e.id, type: e.type } },
        h('div.meta', {}, h('strong', { textContent: e.type }), h('span.badge', { textContent: e.platform }), h('time', { textContent: time(e.at) }), e.outcome && h('span.outcome', { textContent: e.outcome })),
        h('div.who', { title: e.conversation ?? '', textContent: `${e.sender ?? ''}${e.member && e.member !== e.sender ? ` → ${e.member}` : ''}${e.conversationName ? ` in ${e.conversationName}` : ''}` }),
        e.text && h('div.text', { textContent: e.text }),
        h('ul.runs', {}, (e.runs ?? []).map(runLine), e.outcome === 'accepted' && !e.runs && h('li.run.skipped', { textContent: 'running…' }), e.runs && !e.runs.length && h('li.run.skipped', { textContent: 'no handler matched' })),
      ),
    ),
  );
}
