// Timeline, live events, audit, instances and quarantine.
import { api, EVENT_NAMES } from '../api.js';
import { badge, field, h, link, replace, select, show, table, time, title, toast } from '../dom.js';

/** Renders the runs planned over the next hours, grouped by hour. */
export async function renderTimeline(view, params, context) {
  const hours = [6, 24, 72, 168].includes(Number(params.hours)) ? Number(params.hours) : 24;
  const data = await api.get('timeline', { hours, limit: 500 });
  const byHour = new Map();
  for (const entry of data.entries) {
    const at = new Date(entry.run_time);
    const key = new Date(at.getFullYear(), at.getMonth(), at.getDate(), at.getHours()).getTime();
    if (!byHour.has(key)) byHour.set(key, []);
    byHour.get(key).push(entry);
  }
  const busiest = Math.max(1, ...[...byHour.values()].map((list) => list.length));
  const range = select('hours', [[6, 'Next 6 hours'], [24, 'Next 24 hours'], [72, 'Next 3 days'], [168, 'Next 7 days']], hours);
  range.addEventListener('change', () => context.navigate({ view: 'timeline', hours: range.value }, { replace: true, focus: false }));
  view.append(
    ...title('Timeline', `${data.entries.length} planned run(s).`),
    h('form', { class: 'filters', onsubmit: (event) => event.preventDefault() }, field('Range', range)),
    byHour.size === 0
      ? h('p', { class: 'muted' }, 'Nothing is planned in this range.')
      : h(
          'ol',
          { class: 'panel', 'aria-label': 'Planned runs by hour', id: 'timeline' },
          [...byHour.entries()].map(([hour, entries]) => {
            const bar = h('div', { class: 'bar', 'aria-hidden': 'true' });
            bar.style.setProperty('width', `${Math.round((entries.length / busiest) * 100)}%`);
            const label = new Date(hour).toLocaleString(undefined, { weekday: 'short', hour: '2-digit', minute: '2-digit' });
            return h(
              'li',
              { class: 'timeline-hour' },
              h('strong', {}, label),
              h(
                'div',
                {},
                bar,
                h('span', { class: 'muted' }, `${entries.length} run(s)`),
                h('ul', {}, entries.slice(0, 12).map((e) => h('li', {}, time(e.run_time), ' ', link(e.name || e.task_id, { view: 'task', id: e.task_id })))),
                entries.length > 12 ? h('span', { class: 'muted' }, `and ${entries.length - 12} more`) : null,
              ),
            );
          }),
        ),
  );
}

/** Renders the recent events and appends new ones as the stream sends them. */
export async function renderEvents(view) {
  const recent = await api.get('events', { limit: 100 });
  const rows = h('tbody', {});
  const status = h('p', { id: 'events-live', class: 'muted', 'aria-live': 'polite' }, 'Connecting to the live stream…');
  const row = (event) =>
    h(
      'tr',
      {},
      h('td', { class: 'nowrap' }, time(event.at || event.time || event.timestamp)),
      h('td', {}, badge(event.event || event.name || event.type || 'event')),
      h('td', {}, event.task_id ? link(event.task_id, { view: 'task', id: event.task_id }) : '—'),
      h('td', { class: 'mono' }, details(event)),
    );
  for (const event of (recent.events || []).slice().reverse()) rows.append(row(event));
  let paused = false;
  const toggle = h('button', { type: 'button', class: 'ghost', 'aria-pressed': 'false' }, 'Pause live updates');
  toggle.addEventListener('click', () => {
    paused = !paused;
    toggle.setAttribute('aria-pressed', String(paused));
    toggle.textContent = paused ? 'Resume live updates' : 'Pause live updates';
  });
  const source = api.stream();
  const onEvent = (message) => {
    if (paused) return;
    let data;
    try {
      data = JSON.parse(message.data);
    } catch {
      data = { message: message.data };
    }
    if (!data.event && !data.name) data.event = message.type;
    rows.prepend(row(data));
    while (rows.children.length > 500) rows.lastChild.remove();
    status.textContent = `Live: ${data.event || data.name}${data.task_id ? ` for ${data.task_id}` : ''}.`;
  };
  for (const name of EVENT_NAMES) source.addEventListener(name, onEvent);
  source.onopen = () => {
    status.textContent = 'Live: connected.';
  };
  source.onerror = () => {
    status.textContent = 'Live: reconnecting…';
  };
  view.append(
    ...title('Events', 'Newest first; new events appear as they happen.'),
    h('div', { class: 'actions' }, toggle),
    status,
    h(
      'div',
      { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Events' },
      h('table', { id: 'events' }, h('caption', {}, 'Scheduler events'), h('thead', {}, h('tr', {}, ['Time', 'Event', 'Task', 'Details'].map((x) => h('th', { scope: 'col' }, x)))), rows),
    ),
  );
  return () => source.close();
}

function details(event) {
  const rest = { ...event };
  for (const key of ['at', 'time', 'timestamp', 'event', 'name', 'type', 'task_id', 'seq', 'code']) delete rest[key];
  if (rest.detail && Object.keys(rest.detail).length === 0) delete rest.detail;
  if (rest.store === null) delete rest.store;
  return Object.keys(rest).length ? JSON.stringify(rest) : '';
}

/** Renders the audit log: who changed what, before and after. */
export async function renderAudit(view) {
  const data = await api.get('audit', { limit: 100 });
  const entries = data.entries || [];
  view.append(
    ...title('Audit', 'Every change made through the API or the dashboard.'),
    entries.length === 0
      ? h('p', { class: 'muted' }, 'Nothing has been changed yet.')
      : table(
          'Audit entries, newest first',
          ['Time', 'User', 'Action', 'Target', 'Outcome', 'Change'],
          entries.map((e) =>
            h(
              'tr',
              {},
              h('td', { class: 'nowrap' }, time(e.at)),
              h('td', {}, show(e.user)),
              h('td', {}, show(e.action)),
              h('td', { class: 'mono' }, show(e.target)),
              h('td', {}, badge(e.outcome)),
              h(
                'td',
                {},
                e.before || e.after
                  ? h('details', {}, h('summary', {}, 'Before and after'), h('pre', {}, `before: ${JSON.stringify(e.before, null, 2)}\nafter: ${JSON.stringify(e.after, null, 2)}`))
                  : '—',
              ),
            ),
          ),
        ),
  );
}

/** Renders the scheduler instances sharing these stores. */
export async function renderInstances(view) {
  const data = await api.get('instances');
  const list = Array.isArray(data) ? data : data.instances || [];
  const keys = [...new Set(list.flatMap((item) => Object.keys(item)))];
  view.append(
    ...title('Instances', 'The scheduler processes that share these stores.'),
    list.length === 0
      ? h('p', { class: 'muted' }, 'No instance is known.')
      : table(
          'Scheduler instances',
          keys.map((k) => k.replaceAll('_', ' ')),
          list.map((item) => h('tr', {}, keys.map((k) => h('td', {}, /(_at|heartbeat|started)$/.test(k) ? time(item[k]) : k === 'state' ? badge(item[k]) : show(item[k]))))),
        ),
  );
}

/** Renders the quarantined records with restore and discard. */
export async function renderQuarantine(view, params, context) {
  const data = await api.get('quarantine');
  const list = Array.isArray(data) ? data : data.records || data.entries || data.quarantine || [];
  const act = async (record, action) => {
    const target = `quarantine/${encodeURIComponent(record.store)}/${encodeURIComponent(record.task_id)}`;
    try {
      if (action === 'discard') {
        if (!window.confirm(`Discard the quarantined record ${record.task_id}? Its bytes are deleted for good.`)) return;
        await api.del(target);
        toast(`Discarded ${record.task_id}.`);
      } else {
        await api.post(`${target}/restore`);
        toast(`Restored ${record.task_id}.`);
      }
    } catch (error) {
      toast(error.message, 'error');
    }
    await context.refresh();
  };
  const result = h('div', {});
  if (list.length === 0) {
    replace(result, h('p', { class: 'muted' }, 'No record is quarantined.'));
  } else {
    replace(
      result,
      table(
        'Quarantined records',
        ['Store', 'Task ID', 'Reason', 'Since', 'Record', 'Actions'],
        list.map((r) =>
          h(
            'tr',
            {},
            h('td', {}, show(r.store)),
            h('td', { class: 'mono' }, show(r.task_id)),
            h('td', {}, show(r.reason || r.error)),
            h('td', { class: 'nowrap' }, time(r.quarantined_at || r.at)),
            h(
              'td',
              {},
              r.size !== undefined ? `${r.size} bytes kept` : '',
              r.detail || r.raw ? h('details', {}, h('summary', {}, 'Detail'), h('pre', {}, show(r.detail || r.raw))) : null,
            ),
            h(
              'td',
              {},
              h('div', { class: 'actions' },
                h('button', { type: 'button', disabled: !context.canOperate, onclick: () => act(r, 'restore'), 'aria-label': `Restore ${r.task_id}` }, 'Restore'),
                h('button', { type: 'button', class: 'danger', disabled: !context.canOperate, onclick: () => act(r, 'discard'), 'aria-label': `Discard ${r.task_id}` }, 'Discard'),
              ),
            ),
          ),
        ),
      ),
    );
  }
  view.append(...title('Quarantine', 'Records a store could not read. They are kept, with their exact bytes, until you restore or discard them.'), result);
}
