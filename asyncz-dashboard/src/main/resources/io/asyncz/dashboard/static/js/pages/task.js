// One task: its detail (fields, next fire times, runs and logs), the create form with a live
// preview, and the edit form that shows the change as a before/after diff before applying it.
import { api } from '../api.js';
import { badge, debounce, duration, failure, field, fields, h, link, replace, select, show, table, time, title, toast } from '../dom.js';
import { triggerText } from './overview.js';

const path = (id) => `tasks/${encodeURIComponent(id)}`;

/** Renders a task's detail page. */
export async function renderDetail(view, params, context) {
  const t = await api.get(path(params.id));
  const [preview, runs] = await Promise.all([
    api.get(`${path(t.id)}/preview`, { count: 10 }).catch((error) => error),
    api.get('runs', { task: t.id, limit: 20 }).catch((error) => error),
  ]);
  const act = async (action) => {
    try {
      if (action === 'remove') {
        if (!window.confirm(`Remove task ${t.id}? This cannot be undone.`)) return;
        await api.del(path(t.id));
        toast(`Removed ${t.id}.`);
        context.navigate({ view: 'tasks' });
        return;
      }
      await api.post(`${path(t.id)}/${action}`);
      toast(action === 'run' ? `Submitted a run of ${t.id}.` : `${action === 'pause' ? 'Paused' : 'Resumed'} ${t.id}.`);
      await context.refresh();
    } catch (error) {
      toast(error.message, 'error');
    }
  };
  const operate = !context.canOperate;
  view.append(
    ...title(t.name && t.name !== t.id ? `${t.name} (${t.id})` : t.id, 'Task'),
    h(
      'div',
      { class: 'actions', role: 'group', 'aria-label': 'Task actions' },
      h('button', { type: 'button', id: 'run-now', disabled: operate, onclick: () => act('run') }, 'Run now'),
      t.paused || t.state === 'paused'
        ? h('button', { type: 'button', id: 'resume', disabled: operate, onclick: () => act('resume') }, 'Resume')
        : h('button', { type: 'button', id: 'pause', disabled: operate, onclick: () => act('pause') }, 'Pause'),
      context.canOperate ? link('Edit', { view: 'edit', id: t.id }) : null,
      link('Logs', { view: 'logs', task: t.id }),
      h('button', { type: 'button', class: 'danger', disabled: operate, onclick: () => act('remove') }, 'Remove'),
    ),
    h(
      'div',
      { class: 'grid' },
      h(
        'section',
        { class: 'panel', 'aria-labelledby': 't-fields' },
        h('h2', { id: 't-fields' }, 'Fields'),
        fields([
          ['ID', h('span', { class: 'mono' }, t.id)],
          ['Name', t.name || '—'],
          ['State', h('span', { id: 'task-state' }, badge(t.state))],
          ['Function', h('span', { class: 'mono' }, t.function || '—')],
          ['Trigger', triggerText(t)],
          ['Next run', time(t.next_run_time)],
          ['Arguments', h('span', { class: 'mono' }, show(t.args))],
          ['Keyword arguments', h('span', { class: 'mono' }, show(t.kwargs))],
          ['Executor', t.executor],
          ['Store', t.store],
          ['Coalesce', show(t.coalesce)],
          ['Max instances', show(t.max_instances)],
          ['Misfire grace time', t.mistrigger_grace_time === null ? 'no limit' : `${show(t.mistrigger_grace_time)} s`],
        ]),
      ),
      h('section', { class: 'panel', 'aria-labelledby': 't-preview' }, h('h2', { id: 't-preview' }, 'Next fire times'), previewList(preview)),
    ),
    h('h2', {}, 'Runs'),
    runs instanceof Error ? failure(runs) : runTable(runs.runs, `The last runs of ${t.id}`),
  );
}

/** A table of runs, linking each to its detail. */
export function runTable(runs, caption) {
  if (runs.length === 0) return h('p', { class: 'muted' }, 'No run yet.');
  return table(
    caption,
    ['Started', 'Task', 'Status', 'Duration', 'Source', 'Result or error'],
    runs.map((r) =>
      h(
        'tr',
        { 'data-run': r.run_id },
        h('td', { class: 'nowrap' }, link(time(r.started_at), { view: 'run', id: r.run_id })),
        h('td', {}, link(r.task_name || r.task_id, { view: 'task', id: r.task_id })),
        h('td', {}, badge(r.status)),
        h('td', { class: 'nowrap' }, duration(r.duration_ms)),
        h('td', {}, (r.source || '—').toLowerCase()),
        h('td', {}, r.error_message || r.error_type ? [r.error_type, r.error_message].filter(Boolean).join(': ') : r.result ?? '—'),
      ),
    ),
  );
}

function previewList(preview) {
  if (preview instanceof Error) return failure(preview);
  if (!preview.run_times || preview.run_times.length === 0) return h('p', { class: 'muted' }, 'The trigger fires no more.');
  return [
    h('ol', { class: 'preview', 'aria-label': 'Next fire times' }, preview.run_times.map((at) => h('li', {}, time(at)))),
    preview.exhausted ? h('p', { class: 'muted' }, 'The trigger fires no more after these.') : null,
    preview.timezone ? h('p', { class: 'muted' }, `Time zone of the trigger: ${preview.timezone}`) : null,
  ];
}

/** The form of a task spec: trigger kind and its fields, function, arguments and options. */
function specForm(initial) {
  const controls = {
    id: h('input', { name: 'id', autocomplete: 'off', value: initial.id || '' }),
    name: h('input', { name: 'name', autocomplete: 'off', value: initial.name || '' }),
    function: h('input', { name: 'function', autocomplete: 'off', class: 'mono', value: initial.function || '', placeholder: 'echo or com.example.Jobs::send' }),
    kind: select('trigger_type', [['cron', 'Cron'], ['interval', 'Interval'], ['date', 'Date (once)']], initial.kind || 'cron'),
    crontab: h('input', { name: 'crontab', autocomplete: 'off', class: 'mono', value: initial.crontab || '', placeholder: '*/5 * * * *' }),
    timezone: h('input', { name: 'timezone', autocomplete: 'off', value: initial.timezone || '', placeholder: 'Europe/Paris' }),
    weeks: h('input', { name: 'weeks', type: 'number', min: '0', value: '' }),
    days: h('input', { name: 'days', type: 'number', min: '0', value: '' }),
    hours: h('input', { name: 'hours', type: 'number', min: '0', value: '' }),
    minutes: h('input', { name: 'minutes', type: 'number', min: '0', value: '' }),
    seconds: h('input', { name: 'seconds', type: 'number', min: '0', value: '' }),
    run_at: h('input', { name: 'run_at', autocomplete: 'off', placeholder: '2030-01-31T09:00:00Z', value: '' }),
    args: h('textarea', { name: 'args', class: 'mono', rows: '2' }, initial.args || ''),
    kwargs: h('textarea', { name: 'kwargs', class: 'mono', rows: '2' }, initial.kwargs || ''),
    executor: h('input', { name: 'executor', autocomplete: 'off', value: initial.executor || '' }),
    store: h('input', { name: 'store', autocomplete: 'off', value: initial.store || '' }),
    max_instances: h('input', { name: 'max_instances', type: 'number', min: '1', value: initial.max_instances ?? '' }),
    mistrigger_grace_time: h('input', { name: 'mistrigger_grace_time', type: 'number', min: '0', value: initial.mistrigger_grace_time ?? '' }),
    coalesce: h('input', { name: 'coalesce', type: 'checkbox', checked: initial.coalesce !== false }),
  };
  const wraps = {
    id: field('ID', controls.id, 'Optional: a random id is chosen when empty.'),
    name: field('Name', controls.name),
    function: field('Function', controls.function, 'A registered name or a reference to a public static method.'),
    kind: field('Trigger', controls.kind),
    crontab: field('Cron expression', controls.crontab, 'Standard crontab: minute hour day month weekday (6 fields with seconds), or @daily, @hourly…'),
    timezone: field('Time zone', controls.timezone, 'Optional: the scheduler’s zone when empty.'),
    weeks: field('Weeks', controls.weeks),
    days: field('Days', controls.days),
    hours: field('Hours', controls.hours),
    minutes: field('Minutes', controls.minutes),
    seconds: field('Seconds', controls.seconds),
    run_at: field('Run at', controls.run_at, 'An ISO-8601 instant, for example 2030-01-31T09:00:00Z.'),
    args: field('Arguments (JSON list)', controls.args, 'For example ["hello", 3]'),
    kwargs: field('Keyword arguments (JSON object)', controls.kwargs, 'For example {"to": "ops@example.com"}'),
    executor: field('Executor', controls.executor, 'Optional: the default executor when empty.'),
    store: field('Store', controls.store, 'Optional: the default store when empty.'),
    max_instances: field('Max instances', controls.max_instances),
    mistrigger_grace_time: field('Misfire grace time (seconds)', controls.mistrigger_grace_time),
  };
  const interval = initial.interval || {};
  for (const unit of ['weeks', 'days', 'hours', 'minutes', 'seconds']) controls[unit].value = interval[unit] ?? '';
  controls.run_at.value = initial.run_at || '';

  const cronSet = h('div', { 'data-kind': 'cron' }, h('div', { class: 'field-row' }, wraps.crontab, wraps.timezone));
  const intervalSet = h('div', { 'data-kind': 'interval' }, h('div', { class: 'field-row' }, wraps.weeks, wraps.days, wraps.hours, wraps.minutes, wraps.seconds));
  const dateSet = h('div', { 'data-kind': 'date' }, wraps.run_at);
  const showKind = () => {
    for (const set of [cronSet, intervalSet, dateSet]) set.hidden = set.dataset.kind !== controls.kind.value;
  };
  controls.kind.addEventListener('change', showKind);
  showKind();

  const triggerSet = h('fieldset', {}, h('legend', {}, 'Schedule'), wraps.kind, cronSet, intervalSet, dateSet);
  const optionSet = h(
    'fieldset',
    {},
    h('legend', {}, 'Options'),
    h('div', { class: 'field-row' }, wraps.executor, wraps.store, wraps.max_instances, wraps.mistrigger_grace_time),
    h('label', { class: 'check' }, controls.coalesce, 'Coalesce missed runs into one'),
  );

  /** Reads the form into a spec; a JSON field that does not parse is reported on that field. */
  const read = () => {
    const errors = {};
    const spec = {};
    for (const key of ['id', 'name', 'function']) if (controls[key].value.trim()) spec[key] = controls[key].value.trim();
    const kind = controls.kind.value;
    if (kind === 'cron') {
      spec.trigger = { type: 'cron', crontab: controls.crontab.value.trim() };
      if (controls.timezone.value.trim()) spec.trigger.timezone = controls.timezone.value.trim();
    } else if (kind === 'interval') {
      spec.trigger = { type: 'interval' };
      for (const unit of ['weeks', 'days', 'hours', 'minutes', 'seconds']) {
        if (controls[unit].value !== '') spec.trigger[unit] = Number(controls[unit].value);
      }
    } else {
      spec.trigger = { type: 'date', run_at: controls.run_at.value.trim() };
    }
    for (const key of ['args', 'kwargs']) {
      const text = controls[key].value.trim();
      if (!text) continue;
      try {
        spec[key] = JSON.parse(text);
      } catch {
        errors[key] = key === 'args' ? `"${text}" is not a JSON list.` : `"${text}" is not a JSON object.`;
      }
    }
    const options = {};
    if (controls.executor.value.trim()) options.executor = controls.executor.value.trim();
    if (controls.store.value.trim()) options.store = controls.store.value.trim();
    if (controls.max_instances.value !== '') options.max_instances = Number(controls.max_instances.value);
    if (controls.mistrigger_grace_time.value !== '') options.mistrigger_grace_time = Number(controls.mistrigger_grace_time.value);
    options.coalesce = controls.coalesce.checked;
    spec.options = options;
    return { spec, errors };
  };

  /** Shows the errors on their fields; an error the server names by argument goes to that field. */
  const showErrors = (errors) => {
    for (const [key, wrap] of Object.entries(wraps)) wrap.setError(errors[key] || (key === 'crontab' && errors.trigger && controls.kind.value === 'cron' ? errors.trigger : null));
    if (errors.trigger && controls.kind.value === 'interval') wraps.seconds.setError(errors.trigger);
    if (errors.trigger && controls.kind.value === 'date') wraps.run_at.setError(errors.trigger);
  };

  return { controls, wraps, read, showErrors, basics: [wraps.id, wraps.name, wraps.function], triggerSet, argSet: [wraps.args, wraps.kwargs], optionSet };
}

/** Maps an API error to the form field it names. */
function errorsOf(error) {
  const argument = (error.argument || '').replace(/^options\./, '').replace(/^trigger\./, '');
  const known = ['id', 'name', 'function', 'args', 'kwargs', 'executor', 'store', 'max_instances', 'mistrigger_grace_time', 'crontab', 'timezone', 'run_at', 'weeks', 'days', 'hours', 'minutes', 'seconds'];
  if (known.includes(argument)) return { [argument]: error.message };
  return { trigger: error.message };
}

/** Renders the create page with its live preview. */
export function renderCreate(view, params, context) {
  const form = specForm({ kind: params.trigger || 'cron', crontab: params.crontab || '' });
  const previewBox = h('div', { id: 'preview', 'aria-live': 'polite' }, h('p', { class: 'muted' }, 'Fill in the schedule to see its next fire times.'));
  const status = h('div', { role: 'alert' });
  let asked = 0;

  const preview = debounce(async () => {
    const { spec, errors } = form.read();
    asked += 1;
    const mine = asked;
    if (Object.keys(errors).length > 0) {
      form.showErrors(errors);
      return;
    }
    try {
      const answer = await api.post('preview', spec, { count: 5 });
      if (mine !== asked) return;
      form.showErrors({});
      replace(previewBox, h('h2', {}, 'Next fire times'), previewList(answer));
    } catch (error) {
      if (mine !== asked) return;
      if (error.status === 400) {
        form.showErrors(errorsOf(error));
        replace(previewBox, h('p', { class: 'muted' }, 'No preview until the schedule is valid.'));
      } else {
        replace(previewBox, failure(error));
      }
    }
  }, 250);

  const submit = async (event) => {
    event.preventDefault();
    const { spec, errors } = form.read();
    if (Object.keys(errors).length > 0) {
      form.showErrors(errors);
      return;
    }
    try {
      const created = await api.post('tasks', spec);
      toast(`Created ${created.id}.`);
      context.navigate({ view: 'task', id: created.id });
    } catch (error) {
      form.showErrors(errorsOf(error));
      replace(status, h('div', { class: 'alert error' }, error.message));
    }
  };

  const el = h(
    'form',
    { id: 'create-form', novalidate: true, oninput: preview, onchange: preview, onsubmit: submit },
    status,
    h('div', { class: 'grid' }, h('div', {}, h('fieldset', {}, h('legend', {}, 'Task'), form.basics), form.triggerSet), h('div', { class: 'panel' }, previewBox)),
    h('fieldset', {}, h('legend', {}, 'Arguments'), form.argSet),
    form.optionSet,
    h('div', { class: 'actions' }, h('button', { type: 'submit', disabled: !context.canOperate }, 'Create task'), link('Cancel', { view: 'tasks' })),
  );
  view.append(...title('New task'), el);
  if (form.controls.crontab.value) preview();
}

/** Renders the edit page: change fields, see the diff (a dry run), then apply. */
export async function renderEdit(view, params, context) {
  const t = await api.get(path(params.id));
  const options = t.trigger && t.trigger.options ? t.trigger.options : {};
  const kind = t.trigger ? t.trigger.type : 'cron';
  const initial = {
    name: t.name,
    function: t.function,
    kind: ['cron', 'interval', 'date'].includes(kind) ? kind : 'cron',
    crontab: options.crontab || options.expression || '',
    timezone: options.timezone || '',
    interval: options,
    run_at: options.run_at || '',
    args: t.args && t.args.length ? JSON.stringify(t.args) : '',
    kwargs: t.kwargs && Object.keys(t.kwargs).length ? JSON.stringify(t.kwargs) : '',
    executor: t.executor,
    store: t.store,
    max_instances: t.max_instances,
    mistrigger_grace_time: t.mistrigger_grace_time,
    coalesce: t.coalesce,
  };
  const form = specForm(initial);
  form.controls.id.value = t.id;
  form.controls.id.disabled = true;
  const original = JSON.stringify(form.read().spec);
  const diffBox = h('section', { id: 'diff', 'aria-live': 'polite', 'aria-label': 'Changes' });
  const apply = h('button', { type: 'button', id: 'apply', disabled: true }, 'Apply changes');

  const changes = () => {
    const { spec, errors } = form.read();
    const before = JSON.parse(original);
    const changed = {};
    for (const key of ['name', 'function', 'args', 'kwargs']) {
      if (JSON.stringify(spec[key]) !== JSON.stringify(before[key])) changed[key] = spec[key] ?? null;
    }
    if (JSON.stringify(spec.trigger) !== JSON.stringify(before.trigger)) changed.trigger = spec.trigger;
    for (const key of ['executor', 'store', 'max_instances', 'mistrigger_grace_time', 'coalesce']) {
      if (JSON.stringify(spec.options[key]) !== JSON.stringify(before.options[key])) {
        changed[key] = spec.options[key] ?? null;
      }
    }
    return { changed, errors };
  };

  const send = async (dryRun) => {
    const { changed, errors } = changes();
    form.showErrors(errors);
    if (Object.keys(errors).length > 0) return;
    if (Object.keys(changed).length === 0) {
      replace(diffBox, h('p', { class: 'muted' }, 'Nothing changed yet.'));
      apply.disabled = true;
      return;
    }
    try {
      const answer = await api.patch(path(t.id), changed, { dry_run: String(dryRun) });
      form.showErrors({});
      if (dryRun) {
        replace(diffBox, h('h2', {}, 'Before and after'), diffTable(answer.diff));
        apply.disabled = !context.canOperate || answer.diff.length === 0;
      } else {
        toast(`Updated ${t.id}: ${answer.diff.length} field(s) changed.`);
        context.navigate({ view: 'task', id: t.id });
      }
    } catch (error) {
      apply.disabled = true;
      form.showErrors(errorsOf(error));
      replace(diffBox, failure(error));
    }
  };
  const stale = () => {
    apply.disabled = true;
  };
  apply.addEventListener('click', () => send(false));

  view.append(
    ...title(`Edit ${t.id}`),
    h(
      'form',
      { id: 'edit-form', novalidate: true, oninput: stale, onchange: stale, onsubmit: (event) => { event.preventDefault(); send(true); } },
      h('fieldset', {}, h('legend', {}, 'Task'), form.basics),
      form.triggerSet,
      h('fieldset', {}, h('legend', {}, 'Arguments'), form.argSet),
      form.optionSet,
      h('div', { class: 'actions' }, h('button', { type: 'submit', id: 'show-diff' }, 'Show changes'), apply, link('Cancel', { view: 'task', id: t.id })),
    ),
    diffBox,
  );
}

function diffTable(diff) {
  if (diff.length === 0) return h('p', { class: 'muted' }, 'These values are the ones stored: nothing would change.');
  return table(
    'Each changed field, before and after',
    ['Field', 'Before', 'After'],
    diff.map((d) =>
      h(
        'tr',
        { class: 'diff', 'data-field': d.field },
        h('th', { scope: 'row' }, d.field),
        h('td', {}, h('del', {}, show(d.before))),
        h('td', {}, h('ins', {}, show(d.after))),
      ),
    ),
  );
}
