// DOM helpers. Every text goes in through textContent, never innerHTML, so nothing a task, a log or
// an error message contains can become markup or script.

/** Builds an element: h('a', {href: '?view=tasks'}, 'Tasks'). Attributes starting with "on" take handlers. */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (key === 'class') {
      el.className = value;
    } else if (key === 'dataset') {
      Object.assign(el.dataset, value);
    } else if (value === true) {
      el.setAttribute(key, '');
    } else if (key === 'value' || key === 'checked' || key === 'selected') {
      el[key] = value;
    } else {
      el.setAttribute(key, String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces an element's children. */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

let ids = 0;
/** A fresh element id for label/aria wiring. */
export function uid(prefix) {
  ids += 1;
  return `${prefix}-${ids}`;
}

/** A labelled form field: input (or given control), hint and an error slot wired with aria-describedby. */
export function field(labelText, control, hintText) {
  const id = control.id || uid('f');
  control.id = id;
  const hint = hintText ? h('p', { class: 'hint', id: `${id}-hint` }, hintText) : null;
  const error = h('p', { class: 'error', id: `${id}-error`, hidden: true });
  const described = [hint ? hint.id : null, error.id].filter(Boolean).join(' ');
  control.setAttribute('aria-describedby', described);
  const wrap = h('div', { class: 'field' }, h('label', { for: id }, labelText), control, hint, error);
  wrap.setError = (message) => {
    if (message) {
      error.textContent = message;
      error.hidden = false;
      control.setAttribute('aria-invalid', 'true');
    } else {
      error.textContent = '';
      error.hidden = true;
      control.removeAttribute('aria-invalid');
    }
  };
  wrap.control = control;
  return wrap;
}

/** A select with the given [value, label] options. */
export function select(name, options, current) {
  return h(
    'select',
    { name },
    options.map(([value, label]) => h('option', { value, selected: String(value) === String(current ?? '') }, label)),
  );
}

/** A scrollable, keyboard-reachable table wrapper with a caption for screen readers. */
export function table(caption, headers, rows) {
  return h(
    'div',
    { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': caption },
    h(
      'table',
      {},
      h('caption', {}, caption),
      h('thead', {}, h('tr', {}, headers.map((x) => (x instanceof Node ? x : h('th', { scope: 'col' }, x))))),
      h('tbody', {}, rows),
    ),
  );
}

/** A definition list of [term, value] pairs; values may be nodes. */
export function fields(pairs) {
  return h(
    'dl',
    { class: 'fields' },
    pairs.filter(Boolean).flatMap(([term, value]) => [h('dt', {}, term), h('dd', {}, value ?? '—')]),
  );
}

/** A state or status badge. */
export function badge(value) {
  const text = String(value ?? '—').toLowerCase();
  return h('span', { class: `badge ${text}` }, text);
}

/** Shows a toast; screen readers hear it through the aria-live region it goes in. */
export function toast(message, kind) {
  const box = document.getElementById('toasts');
  const note = h('div', { class: `toast ${kind || ''}` }, message);
  box.append(note);
  setTimeout(() => note.remove(), kind === 'error' ? 10000 : 5000);
}

/** Formats an ISO instant in the browser's zone, keeping the instant in a title. */
export function time(iso) {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  return h('time', { datetime: iso, title: iso }, date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' }));
}

/** Formats a duration in milliseconds. */
export function duration(ms) {
  if (ms === undefined || ms === null) return '—';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60000) return `${(ms / 1000).toFixed(2)} s`;
  const minutes = Math.floor(ms / 60000);
  return `${minutes} min ${Math.round((ms % 60000) / 1000)} s`;
}

/** Shows any JSON value compactly. */
export function show(value) {
  if (value === undefined || value === null) return '—';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** A link to another view of the dashboard. */
export function link(text, params) {
  return h('a', { href: `?${new URLSearchParams(params)}`, 'data-nav': true }, text);
}

/** A heading plus an optional muted subtitle. */
export function title(text, subtitle) {
  document.title = `${text} · Asyncz`;
  return subtitle ? [h('h1', {}, text), h('p', { class: 'muted' }, subtitle)] : [h('h1', {}, text)];
}

/** An error box for a failed load. */
export function failure(error) {
  return h('div', { class: 'alert error', role: 'alert' }, error.message || String(error));
}

/** Runs fn at most once per wait milliseconds after the last call. */
export function debounce(fn, wait) {
  let timer;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), wait);
  };
}

/** Runs fn at most once per wait milliseconds, and once more after the last call (a busy stream never starves it). */
export function throttle(fn, wait) {
  let timer = null;
  let again = false;
  const fire = () => {
    timer = null;
    if (!again) return;
    again = false;
    fn();
    timer = setTimeout(fire, wait);
  };
  return () => {
    again = true;
    if (timer === null) fire();
  };
}
