// Pieces shared by several views: online badge, job status badge, job rows,
// the device-token dialog.

import { formatDateTime, formatRelative, formatMg } from '../core/format.js';
import { href } from '../core/routes.js';
import { h, icon, badge } from '../ui/dom.js';
import { openDialog } from '../ui/dialog.js';
import { redeliveredBadge } from './delivery.js';

export function onlineBadge(t, online, props = {}) {
  return badge(online ? 'ok' : 'neutral', online ? 'wifi' : 'wifiOff', t(online ? 'device.online' : 'device.offline'), { 'data-online': String(Boolean(online)), ...props });
}

const JOB_TONE = { pending: ['neutral', 'clock'], running: ['active', 'spinner'], done: ['ok', 'check'], done_partial: ['warn', 'warn'], failed: ['bad', 'x'], cancelled: ['neutral', 'minus'] };

export function jobStatusBadge(t, status, props = {}) {
  const [tone, ic] = JOB_TONE[status] ?? ['neutral', 'clock'];
  return badge(tone, ic, t(`jobStatus.${status}`), { 'data-status': status, ...props });
}

export function lastSeenText(t, lang, device) {
  return device.last_seen_at ? formatRelative(device.last_seen_at, lang) : t('device.neverSeen');
}

/**
 * One job in a list. `actions` gets the job and returns buttons.
 */
export function jobRow(ctx, job, { deviceName, actions }) {
  const { t, i18n } = ctx;
  const total = job.items.reduce((s, it) => s + it.amount_mg, 0);
  const ok = job.items.filter((it) => it.status === 'ok').length;
  const failed = job.items.filter((it) => it.status === 'failed').length;
  return h('li', { class: 'job-row', 'data-testid': `job-row-${job.id}`, 'data-status': job.status },
    h('div', { class: 'job-main' },
      h('a', { href: href('job', { id: job.id }), class: 'job-id' }, t('job.number', { id: job.id })),
      jobStatusBadge(t, job.status),
      redeliveredBadge(t, job),
      deviceName ? h('a', { href: href('device', { id: job.device_id }), class: 'muted' }, deviceName) : null),
    h('div', { class: 'job-meta muted' },
      h('span', {}, t('job.itemsSummary', { n: job.items.length, amount: formatMg(total, i18n.lang) })),
      ok || failed ? h('span', {}, t('job.okFailed', { ok, failed })) : null,
      h('time', { datetime: job.created_at }, formatDateTime(job.created_at, i18n.lang))),
    h('div', { class: 'job-actions' }, actions(job)));
}

/** Shows a device token once, with copy. */
export function showDeviceToken(ctx, token, { onClose } = {}) {
  const { t } = ctx;
  const input = h('input', { id: 'device-token-value', 'data-testid': 'device-token-value', readonly: true, value: token, class: 'mono', 'aria-describedby': 'device-token-warning' });
  const status = h('span', { class: 'muted', role: 'status', id: 'device-token-copied' });
  const copy = h('button', {
    type: 'button', class: 'btn', id: 'device-token-copy', 'data-testid': 'device-token-copy',
    onclick: async () => {
      try {
        await navigator.clipboard.writeText(token);
      } catch {
        input.select();
        document.execCommand?.('copy');
      }
      status.textContent = t('token.copied');
    },
  }, icon('copy'), t('token.copy'));
  const dlg = openDialog({
    title: t('token.title'),
    testid: 'device-token-dialog',
    onClose,
    body: [
      h('p', { id: 'device-token-warning', class: 'notice tone-warn' }, icon('warn'), t('token.once')),
      h('label', { for: 'device-token-value' }, t('token.label')),
      h('div', { class: 'row' }, input, copy),
      status,
      h('div', { class: 'actions' }, h('button', { type: 'button', class: 'btn primary', id: 'device-token-close', 'data-testid': 'device-token-close', onclick: () => dlg.close() }, t('token.saved'))),
    ],
  });
  input.focus();
  input.select();
  return dlg;
}
