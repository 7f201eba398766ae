// Webhooks: receivers of signed event notifications, their delivery log and
// a "send test event" button. The secret is shown only while typing it.

import { formatDateTime } from '../core/format.js';
import { h, mount, clearErrors, showApiError, formErrorBox, errorText } from '../ui/dom.js';

const EVENTS = ['job.completed', 'job.expired', 'stock.low', 'device.offline', 'device.online'];

export async function renderWebhooks(ctx, route, main) {
  const { t } = ctx;
  const list = h('ul', { class: 'job-list', id: 'webhook-list', 'data-testid': 'webhook-list' });
  const log = h('section', { id: 'webhook-log', 'data-testid': 'webhook-log' });
  const url = h('input', { id: 'webhook-url', 'data-testid': 'webhook-url', 'data-field': 'url', type: 'url', placeholder: 'http://…', 'aria-describedby': 'webhook-url-error webhook-url-hint' });
  const secret = h('input', { id: 'webhook-secret', 'data-testid': 'webhook-secret', 'data-field': 'secret', autocomplete: 'off', 'aria-describedby': 'webhook-secret-error' });
  const boxes = EVENTS.map((e) => h('label', { class: 'check' },
    h('input', { type: 'checkbox', value: e, checked: true, 'data-testid': `webhook-event-${e}` }), t(`event.${e}`)));
  const form = h('form', { class: 'form card', id: 'webhook-form', 'data-testid': 'webhook-form', novalidate: true },
    h('h2', {}, t('webhooks.new')),
    formErrorBox('webhook-form-error'),
    h('div', { class: 'field' }, h('label', { for: 'webhook-url' }, t('webhooks.url')), url,
      h('small', { class: 'hint', id: 'webhook-url-hint' }, t('webhooks.urlHint')), h('small', { class: 'field-error', id: 'webhook-url-error' })),
    h('fieldset', { class: 'field', 'data-field': 'events', id: 'webhook-events' }, h('legend', {}, t('webhooks.events')), h('div', { class: 'checks' }, boxes),
      h('small', { class: 'field-error', id: 'webhook-events-error' })),
    h('div', { class: 'field' }, h('label', { for: 'webhook-secret' }, t('webhooks.secret')), secret,
      h('small', { class: 'hint' }, t('webhooks.secretHint')), h('small', { class: 'field-error', id: 'webhook-secret-error' })),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn primary', id: 'webhook-save', 'data-testid': 'webhook-save' }, t('action.create'))));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const events = boxes.map((b) => b.querySelector('input')).filter((i) => i.checked).map((i) => i.value);
    try {
      await ctx.api.createWebhook({ url: url.value.trim(), events, secret: secret.value });
      url.value = ''; secret.value = '';
      load();
    } catch (err) {
      showApiError(form, err, t);
    }
  });

  mount(main, h('div', { class: 'page-head' }, h('h1', { tabindex: '-1' }, t('webhooks.title'))), form, list, log);

  async function load() {
    try {
      const hooks = await ctx.api.listWebhooks();
      mount(list, hooks.length ? hooks.map(row) : h('li', { class: 'empty muted' }, t('webhooks.empty')));
    } catch (err) {
      mount(list, h('li', { class: 'notice tone-bad', role: 'alert' }, errorText(err, t)));
    }
  }

  function row(hook) {
    return h('li', { class: 'job-row', 'data-testid': `webhook-${hook.id}` },
      h('div', { class: 'job-main' }, h('strong', { class: 'mono' }, hook.url)),
      h('div', { class: 'job-meta muted' }, hook.events.map((e) => h('span', {}, t(`event.${e}`))), h('span', {}, `${t('webhooks.secret')} ${hook.secret_hint}`)),
      h('div', { class: 'job-actions' },
        h('button', { type: 'button', class: 'btn small', 'data-testid': `webhook-${hook.id}-test`, onclick: async () => {
          try { await ctx.api.testWebhook(hook.id); ctx.toast(t('webhooks.testQueued')); } catch (err) { ctx.toast(errorText(err, t), 'bad'); }
          showLog(hook);
        } }, t('webhooks.test')),
        h('button', { type: 'button', class: 'btn small', 'data-testid': `webhook-${hook.id}-log`, onclick: () => showLog(hook) }, t('webhooks.log')),
        h('button', { type: 'button', class: 'btn small danger', 'data-testid': `webhook-${hook.id}-delete`, onclick: async () => {
          try { await ctx.api.deleteWebhook(hook.id); } catch (err) { ctx.toast(errorText(err, t), 'bad'); }
          mount(log);
          load();
        } }, t('recipes.delete'))));
  }

  async function showLog(hook) {
    let deliveries = [];
    try { deliveries = await ctx.api.webhookDeliveries(hook.id); } catch (err) { ctx.toast(errorText(err, t), 'bad'); }
    const lang = ctx.i18n.lang;
    mount(log, h('h2', {}, t('webhooks.logTitle', { url: hook.url })),
      h('button', { type: 'button', class: 'btn small', 'data-testid': 'webhook-log-refresh', onclick: () => showLog(hook) }, t('webhooks.refresh')),
      h('div', { class: 'table-wrap' }, h('table', { class: 'movements', 'data-testid': 'webhook-deliveries' },
        h('thead', {}, h('tr', {}, ['webhooks.colEvent', 'webhooks.colAt', 'webhooks.colAttempts', 'webhooks.colState'].map((k) => h('th', { scope: 'col' }, t(k))))),
        h('tbody', {}, deliveries.map((d) => {
          const state = d.delivered_at ? 'delivered' : d.gave_up_at ? 'gaveUp' : 'pending';
          return h('tr', { 'data-testid': `delivery-${d.id}`, 'data-state': state, 'data-event': d.event },
            h('td', {}, d.event), h('td', {}, formatDateTime(d.created_at, lang)), h('td', { class: 'num' }, String(d.attempts)),
            h('td', {}, t(`delivery.${state}`), d.last_status ? ` · HTTP ${d.last_status}` : '', d.last_error && !d.delivered_at ? ` · ${d.last_error}` : ''));
        })))));
  }

  await load();
  return null;
}
