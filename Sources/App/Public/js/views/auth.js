// Sign up and log in.

import { validateCredentials } from '../core/job-form.js';
import { href } from '../core/routes.js';
import { h, mount, field, formErrorBox, clearErrors, showErrors, showApiError } from '../ui/dom.js';

function authForm(ctx, main, { register }) {
  const { t } = ctx;
  const p = register ? 'register' : 'login';
  const submit = h('button', { type: 'submit', class: 'btn primary block', id: `${p}-submit`, 'data-testid': `${p}-submit` }, t(register ? 'auth.register' : 'auth.login'));
  const form = h('form', { class: 'form', id: `${p}-form`, novalidate: true },
    formErrorBox(`${p}-error`),
    field({ id: `${p}-email`, label: t('auth.email'), field: 'email', type: 'email', autocomplete: 'email', required: true }),
    field({ id: `${p}-password`, label: t('auth.password'), field: 'password', type: 'password', required: true, autocomplete: register ? 'new-password' : 'current-password', hint: register ? t('auth.passwordHint') : null }),
    submit);

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const email = form.querySelector(`#${p}-email`).value.trim();
    const password = form.querySelector(`#${p}-password`).value;
    const v = validateCredentials({ email, password }, { register });
    if (!v.ok) {
      showErrors(form, t('validation.fixFields'), Object.fromEntries(Object.entries(v.fields).map(([k, key]) => [k, t(key)])));
      return;
    }
    submit.disabled = true;
    try {
      const user = register ? await ctx.api.register(email, password) : await ctx.api.login(email, password);
      ctx.setUser(user);
      ctx.navigate('devices');
    } catch (err) {
      // At login a 401 means the email or password is wrong, not an expired session.
      if (!register && err.status === 401) showErrors(form, t('auth.badCredentials'), {});
      else showApiError(form, err, t);
    } finally {
      submit.disabled = false;
    }
  });

  mount(main, h('section', { class: 'card auth' },
    h('h1', { tabindex: '-1' }, t(register ? 'auth.registerTitle' : 'auth.loginTitle')),
    form,
    h('p', { class: 'muted center' }, register
      ? [t('auth.haveAccount'), ' ', h('a', { href: href('login'), id: 'goto-login' }, t('auth.login'))]
      : [t('auth.noAccount'), ' ', h('a', { href: href('register'), id: 'goto-register', 'data-testid': 'goto-register' }, t('auth.register'))])));
}

export function renderLogin(ctx, _route, main) { authForm(ctx, main, { register: false }); }
export function renderRegister(ctx, _route, main) { authForm(ctx, main, { register: true }); }
