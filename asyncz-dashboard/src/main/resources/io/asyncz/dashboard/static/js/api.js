// The remote JSON API (docs/api.md): one fetch wrapper that adds the CSRF token to every
// state-changing request and turns the error body into an ApiError the pages can show.

/** An error answered by the API: status, code, message and the argument it names. */
export class ApiError extends Error {
  constructor(status, body) {
    const error = (body && body.error) || {};
    super(error.message || `The server answered ${status}.`);
    this.status = status;
    this.code = error.code;
    this.argument = error.argument;
    this.value = error.value;
    this.expected = error.expected;
  }
}

const base = new URL('api/v1/', document.baseURI);
let csrf = null;
let onUnauthorized = () => {};

/** Sets what happens when the session has ended (the app shows the login page). */
export function whenUnauthorized(handler) {
  onUnauthorized = handler;
}

/** Remembers the session's CSRF token. */
export function setCsrf(token) {
  csrf = token;
}

function url(path, params) {
  const target = new URL(path.replace(/^\//, ''), base);
  for (const [key, value] of Object.entries(params || {})) {
    if (value !== undefined && value !== null && value !== '') target.searchParams.set(key, value);
  }
  return target;
}

async function request(method, path, { params, body, quiet } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrf) headers['X-CSRF-Token'] = csrf;
  const response = await fetch(url(path, params), {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
  });
  const text = await response.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!response.ok) {
    const error = new ApiError(response.status, data);
    if (response.status === 401 && !quiet) onUnauthorized();
    throw error;
  }
  return data;
}

/** The API, one function per verb. */
export const api = {
  get: (path, params, options) => request('GET', path, { params, ...options }),
  post: (path, body, params) => request('POST', path, { body: body ?? {}, params }),
  patch: (path, body, params) => request('PATCH', path, { body, params }),
  del: (path) => request('DELETE', path, {}),
  /** Logs in; the answer sets the session cookie. */
  login: async (credentials) => {
    const response = await fetch(new URL('login', document.baseURI), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(credentials),
      credentials: 'same-origin',
    });
    if (!response.ok) {
      let data = null;
      try {
        data = await response.json();
      } catch {
        data = null;
      }
      throw new ApiError(response.status, data);
    }
  },
  /** Logs out, ending the session on the server. */
  logout: () =>
    fetch(new URL('logout', document.baseURI), {
      method: 'POST',
      headers: csrf ? { 'X-CSRF-Token': csrf } : {},
      credentials: 'same-origin',
    }),
  /** The live event stream (Server-Sent Events). */
  stream: () => new EventSource(url('events/stream'), { withCredentials: true }),
};

/** The event names the stream sends: the seed's event codes (TASK_EXECUTED...), in either case. */
const CODES = [
  'SCHEDULER_START', 'SCHEDULER_SHUTDOWN', 'SCHEDULER_PAUSED', 'SCHEDULER_RESUMED', 'EXECUTOR_ADDED',
  'EXECUTOR_REMOVED', 'STORE_ADDED', 'STORE_REMOVED', 'ALL_TASKS_REMOVED', 'TASK_ADDED', 'TASK_REMOVED',
  'TASK_MODIFIED', 'TASK_EXECUTED', 'TASK_ERROR', 'TASK_MISSED', 'TASK_SUBMITTED', 'TASK_MAX_INSTANCES',
  'TASK_QUARANTINED', 'SCHEDULER_ERROR',
];
export const EVENT_NAMES = [...CODES, ...CODES.map((name) => name.toLowerCase()), 'message'];
