// Tasks: search, filters, sort and paging, all kept in the URL query; bulk actions on the
// checked rows, after which the same filters show again.
import { api } from '../api.js';
import { badge, debounce, field, h, link, select, table, time, title, toast } from '../dom.js';
import { triggerText } from './overview.js';

const SIZES = [25, 50, 100, 200];
const COLUMNS = [
  ['id', 'ID'],
  ['name', 'Name'],
  ['function', 'Function'],
  ['trigger', 'Trigger'],
  ['next_run_time', 'Next run'],
  ['state', 'State'],
  ['executor', 'Executor'],
  ['store', 'Store'],
];

/** Renders the task list. */
export async function render(view, params, context) {
  const query = {
    q: params.q || '',
    state: params.state || '',
    trigger: params.trigger || '',
    store: params.store || '',
    executor: params.executor || '',
    sort: params.sort || 'next_run_time',
    order: params.order || 'asc',
    page: Math.max(1, Number.parseInt(params.page, 10) || 1),
    size: SIZES.includes(Number(params.size)) ? Number(params.size) : 25,
  };
  const [data, info] = await Promise.all([api.get('tasks', query), api.get('info').catch(() => ({}))]);

  const go = (changes, replace) => {
    const next = { view: 'tasks', ...query, ...changes };
    if (next.page === 1) delete next.page;
    if (next.size === 25) delete next.size;
    if (next.sort === 'next_run_time' && next.order === 'asc') {
      delete next.sort;
      delete next.order;
    }
    return context.navigate(next, { replace, focus: false });
  };

  const search = h('input', { type: 'search', name: 'q', value: query.q, placeholder: 'id, name, function, trigger…', autocomplete: 'off' });
  const searchField = field('Search', search, 'Searches id, name, function, trigger, executor, store and state.');
  search.addEventListener(
    'input',
    debounce(() => go({ q: search.value.trim(), page: 1 }, true).then(() => refocus('q')), 300),
  );
  const stateSelect = select('state', [['', 'Any state'], ['scheduled', 'Scheduled'], ['paused', 'Paused'], ['pending', 'Pending']], query.state);
  const triggerSelect = select(
    'trigger',
    [['', 'Any trigger'], ['cron', 'Cron'], ['interval', 'Interval'], ['date', 'Date'], ['and', 'And'], ['or', 'Or'], ['shutdown', 'Shutdown']],
    query.trigger,
  );
  const storeSelect = select('store', [['', 'Any store'], ...aliases(info.stores).map((a) => [a, a])], query.store);
  const executorSelect = select('executor', [['', 'Any executor'], ...aliases(info.executors).map((a) => [a, a])], query.executor);
  const sizeSelect = select('size', SIZES.map((n) => [n, `${n} per page`]), query.size);
  for (const [control, key] of [[stateSelect, 'state'], [triggerSelect, 'trigger'], [storeSelect, 'store'], [executorSelect, 'executor'], [sizeSelect, 'size']]) {
    control.addEventListener('change', () => go({ [key]: key === 'size' ? Number(control.value) : control.value, page: 1 }, true).then(() => refocus(key)));
  }

  const pages = Math.max(1, Math.ceil(data.total / query.size));
  const checks = [];
  const all = h('input', { type: 'checkbox', 'aria-label': 'Select every task on this page' });
  const selected = () => checks.filter((c) => c.checked).map((c) => c.value);
  const count = h('span', { class: 'muted', 'aria-live': 'polite' }, '0 selected');
  const bulkButtons = [];
  const updateSelection = () => {
    const n = selected().length;
    count.textContent = `${n} selected`;
    for (const b of bulkButtons) b.disabled = n === 0 || !context.canOperate;
    all.checked = n > 0 && n === checks.length;
    all.indeterminate = n > 0 && n < checks.length;
  };
  all.addEventListener('change', () => {
    for (const c of checks) c.checked = all.checked;
    updateSelection();
  });

  const bulk = async (action) => {
    const ids = selected();
    if (action === 'remove' && !window.confirm(`Remove ${ids.length} task(s)? This cannot be undone.`)) return;
    try {
      const result = await api.post('tasks/bulk', { action, ids });
      const failed = result.results.filter((r) => !r.ok);
      const done = result.results.length - failed.length;
      toast(`${verb(action)} ${done} of ${ids.length} task(s).`);
      for (const f of failed) toast(`${f.id}: ${f.error && f.error.message ? f.error.message : f.error || 'failed'}`, 'error');
    } catch (error) {
      toast(error.message, 'error');
    }
    await context.refresh();
  };
  for (const [action, label] of [['run', 'Run now'], ['pause', 'Pause'], ['resume', 'Resume'], ['remove', 'Remove']]) {
    bulkButtons.push(h('button', { type: 'button', class: action === 'remove' ? 'danger' : '', 'data-bulk': action, disabled: true, onclick: () => bulk(action) }, label));
  }

  const header = ([key, label]) => {
    const active = query.sort === key;
    return h(
      'th',
      { scope: 'col', 'aria-sort': active ? (query.order === 'asc' ? 'ascending' : 'descending') : null, class: key === 'function' || key === 'executor' || key === 'store' ? 'hide-narrow' : null },
      h(
        'button',
        { type: 'button', class: 'sort', 'data-sort': key, onclick: () => go({ sort: key, order: active && query.order === 'asc' ? 'desc' : 'asc', page: 1 }, false) },
        label,
      ),
    );
  };

  const rows = data.tasks.map((t) => {
    const check = h('input', { type: 'checkbox', value: t.id, 'aria-label': `Select ${t.id}`, onchange: updateSelection });
    checks.push(check);
    return h(
      'tr',
      { 'data-task': t.id },
      h('td', {}, check),
      h('td', {}, link(t.id, { view: 'task', id: t.id })),
      h('td', {}, t.name || '—'),
      h('td', { class: 'mono hide-narrow' }, t.function || '—'),
      h('td', {}, triggerText(t)),
      h('td', { class: 'nowrap' }, time(t.next_run_time)),
      h('td', { 'data-state': t.state }, badge(t.state)),
      h('td', { class: 'hide-narrow' }, t.executor || '—'),
      h('td', { class: 'hide-narrow' }, t.store || '—'),
    );
  });

  view.append(
    ...title('Tasks'),
    h(
      'form',
      { class: 'filters', role: 'search', 'aria-label': 'Filter tasks', onsubmit: (event) => { event.preventDefault(); go({ q: search.value.trim(), page: 1 }, true); } },
      searchField,
      field('State', stateSelect),
      field('Trigger', triggerSelect),
      field('Store', storeSelect),
      field('Executor', executorSelect),
      field('Page size', sizeSelect),
    ),
    h('div', { class: 'bulk', role: 'group', 'aria-label': 'Actions on the selected tasks' }, count, bulkButtons),
    data.tasks.length === 0
      ? h('p', { class: 'muted', id: 'no-tasks' }, query.q || query.state || query.trigger ? 'No task matches these filters.' : 'There is no task yet.')
      : table(`Tasks ${(query.page - 1) * query.size + 1}-${(query.page - 1) * query.size + data.tasks.length} of ${data.total}`, [h('th', { scope: 'col' }, all), ...COLUMNS.map(header)], rows),
    h(
      'nav',
      { class: 'pager', 'aria-label': 'Pages' },
      h('button', { type: 'button', class: 'ghost', disabled: query.page <= 1, onclick: () => go({ page: query.page - 1 }, false) }, 'Previous page'),
      h('span', { id: 'page-status' }, `Page ${query.page} of ${pages} · ${data.total} task(s)`),
      h('button', { type: 'button', class: 'ghost', disabled: query.page >= pages, onclick: () => go({ page: query.page + 1 }, false) }, 'Next page'),
    ),
  );
  updateSelection();
}

function refocus(name) {
  const control = document.querySelector(`.filters [name="${name}"]`);
  if (control) {
    control.focus();
    if (control.setSelectionRange && control.type === 'search') control.setSelectionRange(control.value.length, control.value.length);
  }
}

function aliases(list) {
  if (!list) return [];
  const items = Array.isArray(list) ? list : Object.keys(list);
  return items.map((item) => (typeof item === 'string' ? item : item.alias || item.name)).filter(Boolean);
}

function verb(action) {
  return { run: 'Ran', pause: 'Paused', resume: 'Resumed', remove: 'Removed' }[action];
}

