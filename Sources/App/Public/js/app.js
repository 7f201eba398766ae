// Boot: session, i18n, header, hash router. Each view is a function
// (ctx, route) → optional cleanup, rendered into <main id="main">.
//
// Adding a screen (recipes, webhooks, firmware updates…): a view module in
// views/ exporting render(ctx, route, main); its route in core/routes.js
// (TABLE and href); one line in VIEWS below (and a nav link if it is a top-level
// page); its texts appended to core/messages.js in BOTH languages (the node
// tests fail on a missing one); new server error codes in core/errors.js and
// docs/api.md. What a view gets in ctx: t/tn (texts, plurals), i18n, api,
// user, config ({simulator}), drafts (form state that survives re-renders),
// navigate, toast. Dialogs come from ui/dialog.js (focus returns to the opener),
// server errors are shown with showApiError (never the server's English), live
// times are <time data-relative> and tick by themselves.

import { createApi } from './core/api.js';
import { createI18n, LANGUAGES } from './core/i18n.js';
import { parseRoute, PUBLIC_ROUTES, href } from './core/routes.js';
import { h, mount } from './ui/dom.js';
import { setDialogStrings } from './ui/dialog.js';
import { startRelativeTimes } from './ui/relative-time.js';
import { renderLogin, renderRegister } from './views/auth.js';
import { renderDevices } from './views/devices.js';
import { renderDevice } from './views/device.js';
import { renderJobs } from './views/jobs.js';
import { renderDeviceFirmware } from './views/firmware.js';
import { renderRecipes } from './views/recipes.js';
import { renderWebhooks } from './views/webhooks.js';
import { renderAudit } from './views/audit.js';

/**
 * The browser keeps no bearer token at all: the server's HttpOnly session
 * cookie authenticates every request, so a script injected into the page has
 * no token to steal. (Drops any token an older version left in sessionStorage.)
 */
function createTokenStore() {
  try { sessionStorage.removeItem('yaguts.token'); } catch { /* storage refused */ }
  return { get: () => null, set: () => {} };
}

const i18n = createI18n({ storage: safeLocalStorage(), preferred: navigator.language });
const tokenStore = createTokenStore();
const ctx = {
  i18n,
  t: i18n.t,
  tn: (k, n, p) => i18n.tn(k, n, p),
  user: null,
  config: { simulator: false }, // from GET /config at boot
  // What a person typed and has not sent yet, by form: survives re-renders (language switch).
  drafts: new Map(),
  navigate(name, params, query) { location.hash = href(name, params, query); },
  toast,
  api: null,
};
ctx.api = createApi({
  fetch: (...a) => window.fetch(...a),
  tokenStore,
  onUnauthorized: () => {
    if (!ctx.user) return;
    ctx.user = null;
    tokenStore.set(null);
    renderHeader();
    toast(ctx.t('auth.sessionExpired'), 'warn');
    ctx.navigate('login');
  },
});
ctx.simulatorAvailable = () => ctx.config.simulator === true;
ctx.setUser = (user) => { ctx.user = user; renderHeader(); };
ctx.logout = async () => {
  try { await ctx.api.logout(); } catch { /* the token is dropped either way */ }
  ctx.user = null;
  ctx.drafts.clear();
  renderHeader();
  ctx.navigate('login');
};

function safeLocalStorage() {
  try { return window.localStorage; } catch { return null; }
}

const main = document.getElementById('main');
const headerNav = document.getElementById('header-nav');
let cleanup = null;

function renderHeader() {
  const { t } = ctx;
  const lang = h('select', { id: 'lang-select', 'data-testid': 'lang-select', 'aria-label': t('nav.language'), onchange: (e) => i18n.setLang(e.target.value) },
    LANGUAGES.map((l) => h('option', { value: l, selected: l === i18n.lang }, t(`lang.${l}`))));
  const items = ctx.user
    ? [
      h('a', { href: href('devices'), id: 'nav-devices', 'data-testid': 'nav-devices' }, t('nav.devices')),
      h('a', { href: href('jobs'), id: 'nav-jobs', 'data-testid': 'nav-jobs' }, t('nav.jobs')),
      h('a', { href: href('recipes'), id: 'nav-recipes', 'data-testid': 'nav-recipes' }, t('nav.recipes')),
      h('a', { href: href('webhooks'), id: 'nav-webhooks', 'data-testid': 'nav-webhooks' }, t('nav.webhooks')),
      h('a', { href: href('audit'), id: 'nav-audit', 'data-testid': 'nav-audit' }, t('nav.audit')),
      h('span', { class: 'user muted', id: 'nav-user', title: ctx.user.email }, ctx.user.email),
      h('button', { type: 'button', class: 'btn small', id: 'logout', 'data-testid': 'logout', onclick: () => ctx.logout() }, t('nav.logout')),
    ]
    : [];
  mount(headerNav, items, lang);
  markCurrentNav();
}

function markCurrentNav() {
  const name = parseRoute(location.hash).name;
  for (const a of headerNav.querySelectorAll('a')) {
    const current = (a.id === 'nav-devices' && (name === 'devices' || name === 'device' || name === 'deviceFirmware')) || (a.id === 'nav-jobs' && (name === 'jobs' || name === 'job')) || (a.id === 'nav-recipes' && name === 'recipes') || (a.id === 'nav-webhooks' && name === 'webhooks') || (a.id === 'nav-audit' && name === 'audit');
    if (current) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
}

const VIEWS = {
  login: renderLogin,
  register: renderRegister,
  devices: renderDevices,
  device: renderDevice,
  deviceFirmware: renderDeviceFirmware,
  jobs: renderJobs,
  job: renderJobs,
  recipes: renderRecipes,
  webhooks: renderWebhooks,
  audit: renderAudit,
  notFound: (c) => { mount(main, h('h1', { tabindex: '-1' }, c.t('notFound.title')), h('p', {}, h('a', { href: href('devices') }, c.t('nav.devices')))); },
};

async function route() {
  const r = parseRoute(location.hash);
  if (!ctx.user && !PUBLIC_ROUTES.includes(r.name)) { ctx.navigate('login'); return; }
  if (ctx.user && PUBLIC_ROUTES.includes(r.name)) { ctx.navigate('devices'); return; }
  try { cleanup?.(); } catch { /* a view's cleanup must not block navigation */ }
  // Dialogs belong to the page they were opened on (closing a monitor releases its sockets).
  for (const d of document.querySelectorAll('dialog[open]')) d.close();
  cleanup = null;
  markCurrentNav();
  main.setAttribute('aria-busy', 'true');
  main.dataset.view = r.name;
  try {
    cleanup = (await VIEWS[r.name](ctx, r, main)) ?? null;
  } finally {
    main.removeAttribute('aria-busy');
  }
  document.title = `${main.querySelector('h1')?.textContent ?? ''} · Yaguts`;
  // Move focus to the new page's heading, so keyboard and screen reader users land on it.
  main.querySelector('h1')?.focus({ preventScroll: true });
}

/** A short message in the live region at the bottom of the page. */
function toast(text, tone = 'ok') {
  const region = document.getElementById('toasts');
  const el = h('p', { class: `toast tone-${tone}`, 'data-testid': 'toast' }, text);
  region.append(el);
  setTimeout(() => el.remove(), 5000);
}

function applyLanguage() {
  document.documentElement.lang = i18n.lang;
  setDialogStrings({ close: ctx.t('action.close') });
  document.getElementById('skip-link').textContent = ctx.t('nav.skip');
  renderHeader();
}

i18n.onChange(() => { applyLanguage(); route(); });
// The skip link must not touch the hash: the router owns it.
document.getElementById('skip-link').addEventListener('click', (e) => { e.preventDefault(); main.focus(); });
window.addEventListener('hashchange', route);

async function boot() {
  applyLanguage();
  // Only the HttpOnly cookie, if the browser holds a live one: /config tells
  // who is signed in (null, not a 401, when nobody is) and whether the
  // simulator is on. No page probes anything.
  try {
    ctx.config = await ctx.api.config();
    ctx.user = ctx.config.user ?? null;
  } catch {
    ctx.user = null;
  }
  if (!ctx.user) tokenStore.set(null);
  renderHeader();
  await route();
  startRelativeTimes(() => i18n.lang);
  document.body.dataset.ready = 'true';
}

boot();
