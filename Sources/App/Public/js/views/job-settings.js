// The account's default job expiry: a new job that does not say otherwise
// waits this long for its device, then becomes "expired" (never dispensed).

import { h, clearErrors, showApiError, formErrorBox } from '../ui/dom.js';

export function jobSettingsForm(ctx) {
  const { t } = ctx;
  const input = h('input', { id: 'default-expiry-min', 'data-testid': 'default-expiry-min', 'data-field': 'default_job_expires_in_s', type: 'number', min: 1, step: 1, placeholder: t('settings.never'), 'aria-describedby': 'default-expiry-min-error' });
  const form = h('form', { class: 'filters card', id: 'job-settings', 'data-testid': 'job-settings', novalidate: true },
    formErrorBox('job-settings-error'),
    h('div', { class: 'field' }, h('label', { for: 'default-expiry-min' }, t('settings.defaultExpiry')), input,
      h('small', { class: 'field-error', id: 'default-expiry-min-error' })),
    h('button', { type: 'submit', class: 'btn small', id: 'default-expiry-save', 'data-testid': 'default-expiry-save' }, t('action.save')));
  ctx.api.getSettings().then((s) => {
    input.value = s.default_job_expires_in_s ? String(Math.round(s.default_job_expires_in_s / 60)) : '';
  }).catch(() => {});
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const minutes = input.value.trim() === '' ? null : Number(input.value);
    try {
      await ctx.api.putSettings({ default_job_expires_in_s: minutes == null ? null : Math.round(minutes * 60) });
      ctx.toast(t('settings.saved'));
    } catch (err) {
      showApiError(form, err, t);
    }
  });
  return form;
}
