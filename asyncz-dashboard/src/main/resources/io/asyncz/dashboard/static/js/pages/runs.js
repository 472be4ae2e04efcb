// Run history: the runs (filtered by task, status and time, new runs arriving live), one run's
// detail (duration, return value, error, stack trace, log) and the logs of a task's runs.
import { api, EVENT_NAMES } from '../api.js';
import { badge, duration, failure, field, fields, h, link, replace, select, show, time, throttle, title } from '../dom.js';
import { runTable } from './task.js';

const STATUSES = ['running', 'succeeded', 'failed', 'missed', 'skipped', 'interrupted'];

/** Renders the run history with its filters; the list refreshes as runs start and end. */
export async function renderRuns(view, params, context) {
  const query = {
    task: params.task || '',
    status: params.status || '',
    from: params.from || '',
    to: params.to || '',
    limit: Number(params.limit) || 50,
  };
  const list = h('div', { id: 'runs-list' });
  const live = h('p', { class: 'muted', 'aria-live': 'polite', id: 'runs-live' }, 'Live: waiting for runs.');
  let next = null;

  const load = async (after) => {
    const page = await api.get('runs', { ...query, from: iso(query.from), to: iso(query.to), after });
    next = page.next;
    return page.runs;
  };
  let shown = await load();
  const more = h('button', { type: 'button', class: 'ghost', hidden: !next, onclick: async () => {
    shown = shown.concat(await load(next));
    draw();
  } }, 'Older runs');
  const draw = () => {
    replace(list, runTable(shown, query.task ? `Runs of ${query.task}` : 'Runs, newest first'));
    more.hidden = !next;
  };
  draw();

  const go = (changes) => context.navigate({ view: 'runs', ...query, ...changes, limit: query.limit === 50 ? '' : query.limit }, { replace: true, focus: false });
  const taskInput = h('input', { name: 'task', value: query.task, autocomplete: 'off' });
  const statusSelect = select('status', [['', 'Any status'], ...STATUSES.map((s) => [s, s])], query.status);
  const fromInput = h('input', { name: 'from', type: 'datetime-local', value: query.from });
  const toInput = h('input', { name: 'to', type: 'datetime-local', value: query.to });
  const filters = h(
    'form',
    {
      class: 'filters',
      role: 'search',
      'aria-label': 'Filter runs',
      onsubmit: (event) => {
        event.preventDefault();
        go({ task: taskInput.value.trim(), status: statusSelect.value, from: fromInput.value, to: toInput.value });
      },
    },
    field('Task ID', taskInput),
    field('Status', statusSelect),
    field('From', fromInput),
    field('To', toInput),
    h('button', { type: 'submit' }, 'Filter'),
  );

  // New runs are fetched again rather than built from the event, so the list always shows the
  // stored records with the same filters; at most twice a second however busy the scheduler is.
  const reload = throttle(async () => {
    try {
      shown = await load();
      draw();
    } catch (error) {
      replace(list, failure(error));
    }
  }, 500);
  const source = api.stream();
  const onEvent = (event) => {
    let name = event.type;
    try {
      const data = JSON.parse(event.data);
      if (data && data.task_id && query.task && data.task_id !== query.task) return;
      name = data.event || data.name || name;
    } catch {
      // A non-JSON event still means something happened: reload.
    }
    live.textContent = `Live: ${name} at ${new Date().toLocaleTimeString()}.`;
    reload();
  };
  for (const name of EVENT_NAMES) source.addEventListener(name, onEvent);
  source.onopen = () => {
    live.textContent = 'Live: connected, new runs appear here.';
  };

  view.append(...title('Run history'), filters, live, list, h('div', { class: 'actions' }, more));
  return () => source.close();
}

/** Renders one run. */
export async function renderRun(view, params) {
  const r = await api.get(`runs/${encodeURIComponent(params.id)}`);
  view.append(
    ...title(`Run of ${r.task_name || r.task_id}`, r.run_id),
    h(
      'section',
      { class: 'panel', 'aria-labelledby': 'run-fields' },
      h('h2', { id: 'run-fields' }, 'Run'),
      fields([
        ['Status', badge(r.status)],
        ['Task', link(r.task_id, { view: 'task', id: r.task_id })],
        ['Scheduled for', time(r.scheduled_at)],
        ['Started', time(r.started_at)],
        ['Ended', time(r.ended_at)],
        ['Duration', duration(r.duration_ms)],
        ['Source', show(r.source).toLowerCase()],
        ['Attempt', show(r.attempt)],
        ['Node', show(r.node)],
        ['Executor', show(r.executor)],
        ['Store', show(r.store)],
        ['Return value', h('span', { class: 'mono' }, show(r.result))],
      ]),
    ),
    r.error_type || r.error_message
      ? h(
          'section',
          { 'aria-labelledby': 'run-error' },
          h('h2', { id: 'run-error' }, 'Error'),
          h('p', { class: 'alert error' }, [r.error_type, r.error_message].filter(Boolean).join(': ')),
          r.stack_trace ? h('pre', { tabindex: '0', 'aria-label': 'Stack trace' }, r.stack_trace) : null,
        )
      : null,
    h('h2', {}, 'Log'),
    r.log ? h('pre', { id: 'run-log', tabindex: '0', 'aria-label': 'Log of this run' }, r.log) : h('p', { class: 'muted' }, 'This run logged nothing.'),
  );
}

/** Renders the logs of a task's runs (or of one run), newest first. */
export async function renderLogs(view, params) {
  if (params.run) return renderRun(view, { id: params.run });
  const taskInput = h('input', { name: 'task', value: params.task || '', autocomplete: 'off' });
  view.append(...title('Logs', 'The log lines each run wrote, by task.'));
  view.append(
    h(
      'form',
      { class: 'filters', role: 'search', 'aria-label': 'Logs of a task', method: 'get' },
      h('input', { type: 'hidden', name: 'view', value: 'logs' }),
      field('Task ID', taskInput),
      h('button', { type: 'submit' }, 'Show logs'),
    ),
  );
  if (!params.task) return undefined;
  const page = await api.get('runs', { task: params.task, limit: 50 });
  if (page.runs.length === 0) {
    view.append(h('p', { class: 'muted' }, `No run of ${params.task} is recorded.`));
    return undefined;
  }
  for (const r of page.runs) {
    view.append(
      h(
        'details',
        { class: 'panel', open: page.runs.indexOf(r) < 3 },
        h('summary', {}, time(r.started_at), ' ', badge(r.status)),
        h('p', {}, link('Run detail', { view: 'run', id: r.run_id })),
        r.log ? h('pre', { tabindex: '0', 'aria-label': `Log of the run ${r.run_id}` }, r.log) : h('p', { class: 'muted' }, 'No log lines.'),
      ),
    );
  }
  return undefined;
}

function iso(local) {
  if (!local) return '';
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? local : date.toISOString();
}
