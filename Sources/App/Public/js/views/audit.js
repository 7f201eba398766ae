// The audit log: every state-changing action of this account, newest first.

import { formatDateTime } from '../core/format.js';
import { h, mount, errorText } from '../ui/dom.js';

const PAGE = 50;

export async function renderAudit(ctx, route, main) {
  const { t } = ctx;
  const body = h('tbody', { id: 'audit-body', 'data-testid': 'audit-entries' });
  const more = h('button', { type: 'button', class: 'btn', id: 'audit-more', 'data-testid': 'audit-more', hidden: true, onclick: () => load(true) }, t('action.loadMore'));
  mount(main,
    h('div', { class: 'page-head' }, h('h1', { tabindex: '-1' }, t('audit.title'))),
    h('div', { class: 'table-wrap' }, h('table', { class: 'movements' },
      h('thead', {}, h('tr', {}, ['audit.at', 'audit.action', 'audit.object', 'audit.address'].map((k) => h('th', { scope: 'col' }, t(k))))),
      body)),
    more);
  let oldest;
  async function load(next) {
    try {
      const entries = await ctx.api.auditEntries({ limit: PAGE, before: next ? oldest : undefined });
      if (!next) body.replaceChildren();
      for (const e of entries) {
        body.append(h('tr', { 'data-testid': `audit-${e.id}`, 'data-action': e.action },
          h('td', {}, h('time', { datetime: e.at }, formatDateTime(e.at, ctx.i18n.lang))),
          h('td', {}, t(`auditAction.${e.action}`) === `auditAction.${e.action}` ? e.action : t(`auditAction.${e.action}`)),
          h('td', { class: 'mono' }, e.object),
          h('td', { class: 'mono' }, e.client_address)));
      }
      if (entries.length) oldest = entries.at(-1).id;
      more.hidden = entries.length < PAGE;
    } catch (err) {
      ctx.toast(errorText(err, t), 'bad');
    }
  }
  await load(false);
  return null;
}
