// Overview: the scheduler's state and counts, the next runs and the recent failures.
import { api } from '../api.js';
import { badge, duration, failure, fields, h, link, show, table, time, title } from '../dom.js';

/** Renders the overview page. */
export async function render(view) {
  const [info, next, failed] = await Promise.all([
    api.get('info'),
    api.get('tasks', { sort: 'next_run_time', order: 'asc', state: 'scheduled', size: 10 }),
    api.get('runs', { status: 'failed', limit: 10 }).catch((error) => error),
  ]);
  const counts = info.counts || {};
  view.append(
    ...title('Overview', info.name || info.identity || null),
    h(
      'ul',
      { class: 'tiles', 'aria-label': 'Counts' },
      h('li', { class: 'tile' }, h('span', { class: 'n' }, badge(info.state)), h('span', { class: 'k' }, 'Scheduler state')),
      Object.entries(counts).map(([key, value]) =>
        h('li', { class: 'tile' }, h('span', { class: 'n' }, show(value)), h('span', { class: 'k' }, key.replaceAll('_', ' '))),
      ),
    ),
    h(
      'div',
      { class: 'grid' },
      h(
        'section',
        { class: 'panel', 'aria-labelledby': 'ov-sched' },
        h('h2', { id: 'ov-sched' }, 'Scheduler'),
        fields([
          ['Identity', show(info.identity ?? info.node ?? info.name)],
          ['State', badge(info.state)],
          ['Time zone', show(info.timezone)],
          ['Uptime', info.uptime_seconds !== undefined && info.uptime_seconds !== null ? duration(info.uptime_seconds * 1000) : info.uptime_ms !== undefined ? duration(info.uptime_ms) : '—'],
          ['Started', info.started_at ? time(info.started_at) : null],
          ['Version', info.version ? show(info.version) : null],
        ].filter(([, value]) => value !== null)),
      ),
      h(
        'section',
        { class: 'panel', 'aria-labelledby': 'ov-exec' },
        h('h2', { id: 'ov-exec' }, 'Executors and stores'),
        fields([
          ['Executors', names(info.executors)],
          ['Stores', names(info.stores)],
        ]),
      ),
    ),
    h('h2', {}, 'Next runs'),
    next.tasks.length === 0
      ? h('p', { class: 'muted' }, 'No task is scheduled.')
      : table(
          'The next scheduled runs',
          ['Next run', 'Task', 'Trigger'],
          next.tasks.map((t) =>
            h('tr', {}, h('td', { class: 'nowrap' }, time(t.next_run_time)), h('td', {}, link(t.name || t.id, { view: 'task', id: t.id })), h('td', {}, triggerText(t))),
          ),
        ),
    h('h2', {}, 'Recent failures'),
    failed instanceof Error
      ? failure(failed)
      : failed.runs.length === 0
        ? h('p', { class: 'muted' }, 'No failed run.')
        : table(
            'The most recent failed runs',
            ['Started', 'Task', 'Error'],
            failed.runs.map((r) =>
              h(
                'tr',
                {},
                h('td', { class: 'nowrap' }, link(time(r.started_at), { view: 'run', id: r.run_id })),
                h('td', {}, link(r.task_name || r.task_id, { view: 'task', id: r.task_id })),
                h('td', {}, [r.error_type, r.error_message].filter(Boolean).join(': ') || '—'),
              ),
            ),
          ),
  );
}

/** Names from a list of strings or of objects with an alias or name. */
export function names(list) {
  if (!list) return '—';
  const items = Array.isArray(list) ? list : Object.keys(list);
  if (items.length === 0) return '—';
  return items
    .map((item) => (typeof item === 'string' ? item : [item.alias || item.name, item.type ? `(${item.type})` : ''].join(' ').trim()))
    .join(', ');
}

/** A task's trigger as text. */
export function triggerText(t) {
  if (!t.trigger) return '—';
  if (typeof t.trigger === 'string') return t.trigger;
  return t.trigger.description || t.trigger.type || show(t.trigger);
}
