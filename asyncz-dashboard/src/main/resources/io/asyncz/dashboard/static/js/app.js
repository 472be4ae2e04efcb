// The dashboard's shell: session, theme, navigation and the router. Each view lives at
// ?view=NAME&... so a page's filters are in the URL query: a reload, a bookmark or the back
// button gives the same page.
import { api, setCsrf, whenUnauthorized } from './api.js';
import { failure, h, replace, toast } from './dom.js';
import * as login from './pages/login.js';
import * as overview from './pages/overview.js';
import * as tasks from './pages/tasks.js';
import * as task from './pages/task.js';
import * as runs from './pages/runs.js';
import * as more from './pages/more.js';

const views = {
  login: login.render,
  overview: overview.render,
  tasks: tasks.render,
  task: task.renderDetail,
  create: task.renderCreate,
  edit: task.renderEdit,
  timeline: more.renderTimeline,
  events: more.renderEvents,
  runs: runs.renderRuns,
  run: runs.renderRun,
  logs: runs.renderLogs,
  audit: more.renderAudit,
  instances: more.renderInstances,
  quarantine: more.renderQuarantine,
};

const main = document.getElementById('main');
let session = null;
let cleanup = null;
let generation = 0;
let rendered = null;

const context = {
  get session() {
    return session;
  },
  /** True when the user may change things (the operator role). */
  get canOperate() {
    return Boolean(session) && session.role !== 'viewer';
  },
  /** Goes to a view; replace keeps the history entry (for filter changes). */
  navigate(params, { replace: replaceEntry = false, focus = true } = {}) {
    const query = `?${new URLSearchParams(clean(params))}`;
    if (replaceEntry) history.replaceState(null, '', query);
    else history.pushState(null, '', query);
    return route(focus && !replaceEntry);
  },
  /** Renders the current view again (after an action). */
  refresh() {
    return route(false);
  },
  /** Called by the login page once the session cookie is set. */
  async loggedIn(next) {
    await loadSession();
    context.navigate(next && next !== 'login' ? { view: next } : { view: 'overview' });
  },
};

function clean(params) {
  return Object.fromEntries(Object.entries(params).filter(([, value]) => value !== undefined && value !== null && value !== ''));
}

async function loadSession() {
  try {
    session = await api.get('session', {}, { quiet: true });
    setCsrf(session.csrf_token);
  } catch (error) {
    if (error.status !== 401) throw error;
    session = null;
    setCsrf(null);
  }
  showChrome();
}

function showChrome() {
  document.getElementById('nav').hidden = !session;
  document.getElementById('logout').hidden = !session;
  document.getElementById('who').textContent = session ? `${session.user || 'token'} (${session.role})` : '';
}

async function route(moveFocus) {
  generation += 1;
  const mine = generation;
  if (cleanup) {
    try {
      cleanup();
    } catch {
      // A view's cleanup failing must not keep the next view from showing.
    }
    cleanup = null;
  }
  rendered = location.search;
  const params = Object.fromEntries(new URLSearchParams(location.search));
  let name = params.view || 'overview';
  if (!session && name !== 'login') {
    name = 'login';
    params.next = params.view || 'overview';
  }
  const render = views[name];
  for (const a of document.querySelectorAll('#nav a[data-view]')) {
    if (a.dataset.view === name || (name === 'task' && a.dataset.view === 'tasks') || (name === 'run' && a.dataset.view === 'runs')) {
      a.setAttribute('aria-current', 'page');
    } else {
      a.removeAttribute('aria-current');
    }
  }
  // The page shown stays until the next one is ready (no flash while filtering); only the first
  // page says it is loading.
  if (!main.querySelector('.view')) replace(main, h('p', { class: 'loading' }, 'Loading…'));
  main.setAttribute('aria-busy', 'true');
  if (!render) {
    main.removeAttribute('aria-busy');
    replace(main, h('h1', {}, 'Not found'), h('p', {}, `There is no page "${name}".`));
    return;
  }
  try {
    const view = h('div', { class: 'view', 'data-view': name });
    const result = await render(view, params, context);
    if (mine !== generation) {
      if (typeof result === 'function') result();
      return;
    }
    cleanup = typeof result === 'function' ? result : null;
    replace(main, view);
  } catch (error) {
    if (mine !== generation) return;
    replace(main, h('div', { class: 'view', 'data-view': 'error' }, h('h1', {}, 'Something went wrong'), failure(error)));
  }
  main.removeAttribute('aria-busy');
  if (moveFocus) {
    const heading = main.querySelector('h1');
    if (heading) {
      heading.setAttribute('tabindex', '-1');
      heading.focus();
    }
  }
}

function setupTheme() {
  const button = document.getElementById('theme-toggle');
  const stored = localStorage.getItem('asyncz-theme');
  const prefersDark = window.matchMedia('(prefers-color-scheme: dark)');
  const apply = (theme) => {
    if (theme) document.documentElement.dataset.theme = theme;
    else delete document.documentElement.dataset.theme;
    const dark = theme ? theme === 'dark' : prefersDark.matches;
    button.setAttribute('aria-pressed', String(dark));
  };
  apply(stored);
  prefersDark.addEventListener('change', () => apply(localStorage.getItem('asyncz-theme')));
  button.addEventListener('click', () => {
    const dark = button.getAttribute('aria-pressed') === 'true';
    const next = dark ? 'light' : 'dark';
    localStorage.setItem('asyncz-theme', next);
    apply(next);
  });
}

function setupNavigation() {
  document.addEventListener('click', (event) => {
    const a = event.target.closest('a[data-nav]');
    if (!a || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const target = new URL(a.href);
    if (target.origin !== location.origin || target.pathname !== location.pathname) return;
    event.preventDefault();
    context.navigate(Object.fromEntries(target.searchParams));
  });
  // Following an in-page anchor (the skip link) also fires popstate: only a new query is a new view.
  window.addEventListener('popstate', () => {
    if (location.search !== rendered) route(true);
  });
  document.querySelector('.skip-link').addEventListener('click', (event) => {
    event.preventDefault();
    main.focus();
  });
  document.getElementById('logout').addEventListener('click', async () => {
    // Only a logout the server confirmed is shown as one: a page that showed the login form while
    // the session lived on would leave it open on a shared computer.
    let reason = null;
    try {
      const response = await api.logout();
      if (!response.ok) reason = `the server answered ${response.status}`;
    } catch (error) {
      reason = error.message || String(error);
    }
    if (reason) {
      toast(`Could not log out (${reason}). You are still logged in; try again.`, 'error');
      return;
    }
    session = null;
    setCsrf(null);
    showChrome();
    context.navigate({ view: 'login' });
  });
  whenUnauthorized(() => {
    if (!session) return;
    session = null;
    setCsrf(null);
    showChrome();
    route(true);
  });
}

async function start() {
  setupTheme();
  setupNavigation();
  try {
    await loadSession();
  } catch (error) {
    replace(main, h('h1', {}, 'The dashboard cannot reach its server'), failure(error));
    return;
  }
  await route(false);
  document.body.dataset.ready = 'true';
}

start();
