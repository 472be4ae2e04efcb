// Log in: a user and password from the configuration, or the token printed at start when the
// configuration has no users.
import { api } from '../api.js';
import { field, h, title } from '../dom.js';

/** Renders the login page. */
export function render(view, params, context) {
  const message = h('div', { role: 'alert', class: 'alert error', hidden: true });
  const user = field('User name', h('input', { name: 'username', autocomplete: 'username', required: true }));
  const password = field('Password', h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true }));
  const token = field(
    'Access token',
    h('input', { name: 'token', type: 'password', autocomplete: 'off', required: true }),
    'Printed by the scheduler at start when no users are configured.',
  );

  const submit = async (event, credentials) => {
    event.preventDefault();
    message.hidden = true;
    try {
      await api.login(credentials());
      await context.loggedIn(params.next);
    } catch (error) {
      message.textContent =
        error.status === 429
          ? 'Too many login attempts. Wait a minute, then try again.'
          : error.status === 401 || error.status === 403
            ? 'The user name, password or token is not right.'
            : error.message;
      message.hidden = false;
    }
  };

  view.append(
    h(
      'section',
      { class: 'login panel', 'aria-labelledby': 'login-title' },
      h('h1', { id: 'login-title' }, 'Log in to Asyncz'),
      message,
      h(
        'form',
        {
          id: 'login-form',
          onsubmit: (event) => submit(event, () => ({ username: user.control.value, password: password.control.value })),
        },
        user,
        password,
        h('button', { type: 'submit' }, 'Log in'),
      ),
      h(
        'details',
        {},
        h('summary', {}, 'Log in with the start-up token'),
        h(
          'form',
          { id: 'token-form', onsubmit: (event) => submit(event, () => ({ token: token.control.value })) },
          token,
          h('button', { type: 'submit' }, 'Log in with token'),
        ),
      ),
    ),
  );
  title('Log in');
}
