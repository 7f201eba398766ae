// Modal dialogs on the native <dialog>: showModal() gives the focus trap,
// Escape to close and an inert background; we restore focus on close.
//
// Focus goes back to the control that opened the dialog. Views often re-render
// that control while the dialog is open (a refill re-draws its bottle card), so
// the opener is found again by id; if it is gone for good, focus goes to the
// page's heading, never to <body>.

import { h, icon, clearErrors, formErrorBox, showApiError, showErrors } from './dom.js';

const strings = { close: 'Close' };
/** The accessible name of the dialogs' ✕ button, set on language change. */
export function setDialogStrings({ close }) { strings.close = close; }

/**
 * Opens a modal. Returns {dialog, close}. The element is removed on close.
 * @param {object} o
 * @param {string} o.title
 * @param {Node|Node[]} o.body
 * @param {string} o.testid      data-testid and id of the dialog
 * @param {() => void} [o.onClose]
 */
export function openDialog({ title, body, testid, onClose, className = '' }) {
  const opener = document.activeElement;
  const openerId = opener && opener !== document.body ? opener.id : '';
  const titleId = `${testid}-title`;
  const closeBtn = h('button', { type: 'button', class: 'icon-btn', 'aria-label': strings.close, 'data-testid': `${testid}-x`, onclick: () => close() }, icon('x'));
  const dialog = h('dialog', { id: testid, class: `modal ${className}`.trim(), 'data-testid': testid, 'aria-labelledby': titleId },
    h('header', { class: 'modal-head' }, h('h2', { id: titleId }, title), closeBtn),
    h('div', { class: 'modal-body' }, body));
  let closed = false;
  function close() {
    if (closed) return;
    closed = true;
    if (dialog.open) dialog.close();
  }
  dialog.addEventListener('close', () => {
    closed = true;
    dialog.remove();
    onClose?.();
    restoreFocus(opener, openerId);
  });
  document.body.append(dialog);
  dialog.showModal();
  const auto = dialog.querySelector('[autofocus]');
  if (auto) auto.focus();
  return { dialog, close };
}

/** The opener, its re-rendered twin (same id), or the page's heading. */
export function restoreFocus(opener, openerId) {
  const target = (opener && document.contains(opener) && opener !== document.body ? opener : null)
    ?? (openerId ? document.getElementById(openerId) : null)
    ?? document.querySelector('main h1')
    ?? document.getElementById('main');
  target?.focus?.();
}

/**
 * A dialog holding a form. `fields` are nodes built with `field()`;
 * `validate(form)` returns {ok, fields?} with translated messages;
 * `submit(form)` does the request and may throw an ApiError (shown in place).
 */
export function formDialog({ title, testid, fields, submitLabel, submitId, t, validate, submit, onDone }) {
  const errorBox = formErrorBox(`${testid}-error`);
  const submitBtn = h('button', { type: 'submit', class: 'btn primary', id: submitId, 'data-testid': submitId }, submitLabel);
  const form = h('form', { class: 'form', novalidate: true }, errorBox, fields,
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'btn', onclick: () => dlg.close() }, t('action.cancel')),
      submitBtn));
  const dlg = openDialog({ title, body: form, testid });
  const first = form.querySelector('input, select, textarea');
  first?.focus();
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const v = validate ? validate(form) : { ok: true };
    if (!v.ok) { showErrors(form, t('validation.fixFields'), v.fields ?? {}); return; }
    submitBtn.disabled = true;
    try {
      const result = await submit(form, v);
      dlg.close();
      onDone?.(result);
    } catch (err) {
      showApiError(form, err, t);
    } finally {
      submitBtn.disabled = false;
    }
  });
  return dlg;
}

/** A confirmation dialog; resolves true when confirmed. */
export function confirmDialog({ title, text, confirmLabel, t, testid = 'confirm-dialog', danger = false }) {
  return new Promise((resolve) => {
    let answer = false;
    const yes = h('button', { type: 'button', class: `btn ${danger ? 'danger' : 'primary'}`, id: `${testid}-yes`, 'data-testid': `${testid}-yes`, onclick: () => { answer = true; dlg.close(); } }, confirmLabel);
    const dlg = openDialog({
      title, testid,
      body: [h('p', {}, text), h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'btn', autofocus: true, onclick: () => dlg.close() }, t('action.cancel')), yes)],
      onClose: () => resolve(answer),
    });
  });
}
