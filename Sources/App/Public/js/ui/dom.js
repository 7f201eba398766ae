// Small DOM helpers shared by the views: element creation, icons, form errors.

import { errorMessage, fieldMessages } from '../core/errors.js';

/**
 * h('button', {class: 'btn', id: 'x', onclick: fn, dataset: {testid: 'x'}}, 'text', child)
 * Props that exist on the element (value, checked, disabled, hidden…) are set
 * as properties; others (aria-*, data-*, for, role…) as attributes.
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k in el && !k.includes('-') && k !== 'list' && k !== 'form') el[k] = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Replaces all children of `el`. */
export function mount(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

const ICON_PATHS = {
  check: '<path d="M5 12.5l4.5 4.5L19 7.5"/>',
  x: '<path d="M6 6l12 12M18 6L6 18"/>',
  clock: '<circle cx="12" cy="12" r="8.5"/><path d="M12 7.5V12l3 2"/>',
  spinner: '<path d="M12 3.5a8.5 8.5 0 1 1-8.5 8.5"/>',
  wifiOff: '<path d="M3 3l18 18M8.5 16.5a5 5 0 0 1 7 0M5 12.5a10 10 0 0 1 4-2.3M19 12.5a10 10 0 0 0-3.2-2M12 20h.01"/>',
  wifi: '<path d="M5 12.5a10 10 0 0 1 14 0M8.5 16.5a5 5 0 0 1 7 0M2 8.8a15 15 0 0 1 20 0M12 20h.01"/>',
  plus: '<path d="M12 5v14M5 12h14"/>',
  trash: '<path d="M5 7h14M10 7V5h4v2M7 7l1 12h8l1-12"/>',
  copy: '<rect x="8" y="8" width="11" height="11" rx="2"/><path d="M5 15V6a1 1 0 0 1 1-1h9"/>',
  refresh: '<path d="M19 12a7 7 0 1 1-2-4.9M19 4v4h-4"/>',
  play: '<path d="M8 5.5v13l10-6.5z"/>',
  flask: '<path d="M9.5 3h5M10 3v6l-5 9a2 2 0 0 0 1.8 3h10.4a2 2 0 0 0 1.8-3l-5-9V3"/>',
  warn: '<path d="M12 4l9 16H3z"/><path d="M12 10v4M12 17h.01"/>',
  minus: '<path d="M6 12h12"/>',
};

/** An inline SVG icon; decorative (aria-hidden) since text always accompanies it. */
export function icon(name, cls = '') {
  const span = document.createElement('span');
  span.className = `icon ${cls}`.trim();
  span.setAttribute('aria-hidden', 'true');
  span.innerHTML = `<svg viewBox="0 0 24 24" width="20" height="20" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" focusable="false">${ICON_PATHS[name] ?? ''}</svg>`;
  return span;
}

/**
 * A labelled input with a slot for its error message. The input carries
 * `data-field` (the API's field path) so server errors find it.
 */
export function field({ id, label, field: path, hint, type = 'text', ...inputProps }) {
  const input = inputProps.tag === 'select'
    ? h('select', { id, name: path ?? id, 'data-field': path ?? id, 'aria-describedby': `${id}-error${hint ? ` ${id}-hint` : ''}` }, inputProps.options ?? [])
    : h('input', { id, name: path ?? id, type, 'data-field': path ?? id, 'aria-describedby': `${id}-error${hint ? ` ${id}-hint` : ''}`, ...omit(inputProps, ['tag', 'options']) });
  return h('div', { class: 'field' },
    h('label', { for: id }, label),
    input,
    hint ? h('small', { id: `${id}-hint`, class: 'hint' }, hint) : null,
    h('small', { id: `${id}-error`, class: 'field-error', 'data-testid': `${id}-error` }));
}

function omit(o, keys) {
  return Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));
}

/** Removes every error shown in `form`. */
export function clearErrors(form) {
  for (const el of form.querySelectorAll('[aria-invalid="true"]')) el.removeAttribute('aria-invalid');
  for (const el of form.querySelectorAll('.field-error')) el.textContent = '';
  const box = form.querySelector('[data-role="form-error"]');
  if (box) { box.textContent = ''; box.hidden = true; }
}

/**
 * Shows a form-level message and per-field messages. `fields` maps API field
 * paths to already-translated text; paths without a matching input are added
 * to the form-level message so nothing is lost.
 */
export function showErrors(form, message, fields = {}) {
  clearErrors(form);
  const orphans = [];
  let first = null;
  for (const [path, text] of Object.entries(fields)) {
    const input = form.querySelector(`[data-field="${CSS.escape(path)}"]`);
    if (!input) { orphans.push(`${path}: ${text}`); continue; }
    input.setAttribute('aria-invalid', 'true');
    const slot = form.querySelector(`#${CSS.escape(input.id)}-error`);
    if (slot) slot.textContent = text;
    first ??= input;
  }
  const box = form.querySelector('[data-role="form-error"]');
  const full = [message, ...orphans].filter(Boolean).join(' — ');
  if (box && full) { box.textContent = full; box.hidden = false; }
  (first ?? box)?.focus?.();
}

/** The form-level error box (role=alert, so it is announced when filled). */
export function formErrorBox(testid) {
  return h('p', { class: 'form-error', role: 'alert', hidden: true, tabindex: '-1', 'data-role': 'form-error', 'data-testid': testid });
}

/** Text for an ApiError, from the UI's own catalogue (never the server's English). */
export function errorText(err, t) {
  return errorMessage(t, err);
}

/** Shows an API error on a form (message + fields next to inputs), in the person's language and units. */
export function showApiError(form, err, t) {
  showErrors(form, errorText(err, t), fieldMessages(t, t.lang ?? 'pt-BR', err));
}

/** A status badge that never relies on colour alone: icon + text + tone class. */
export function badge(tone, iconName, text, props = {}) {
  return h('span', { class: `badge tone-${tone}`, ...props }, icon(iconName), h('span', {}, text));
}
