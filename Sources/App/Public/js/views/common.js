// Pieces shared by several views: online badge, job status badge, job rows,
// the device-token dialog.

import { formatDateTime, formatRelative, formatMg } from '../core/format.js';
import { href } from '../core/routes.js';
import { h, icon, badge } from '../ui/dom.js';
import { openDialog } from '../ui/dialog.js';
import { redeliveredBadge } from './delivery.js';

/**
 * The device's presence as the server says it: online, offline, or — while the
 * server's simulator runs a job for it — "simulation", which never claims the
 * real hardware is connected. `data-presence` names the state for tests.
 */
export function presenceBadge(t, device, props = {}) {
  if (device.simulating && !device.online) {
    return badge('active', 'flask', t('device.simulating'), { 'data-online': 'false', 'data-presence': 'simulating', title: t('device.simulatingHint'), ...props });
  }
  const online = Boolean(device.online);
  return badge(online ? 'ok' : 'neutral', online ? 'wifi' : 'wifiOff', t(online ? 'device.online' : 'device.offline'),
    { 'data-online': String(online), 'data-presence': online ? 'online' : 'offline', ...props });
}

const JOB_TONE = { pending: ['neutral', 'clock'], running: ['active', 'spinner'], done: ['ok', 'check'], done_partial: ['warn', 'warn'], failed: ['bad', 'x'], cancelled: ['neutral', 'minus'], expired: ['neutral', 'clock'] };

export function jobStatusBadge(t, status, props = {}) {
  const [tone, ic] = JOB_TONE[status] ?? ['neutral', 'clock'];
  return badge(tone, ic, t(`jobStatus.${status}`), { 'data-status': status, ...props });
}

/** "há 5 s" that keeps ticking (ui/relative-time.js), or "never". */
export function lastSeen(t, lang, device, props = {}) {
  return device.last_seen_at
    ? h('time', { datetime: device.last_seen_at, 'data-relative': '', ...props }, formatRelative(device.last_seen_at, lang))
    : h('span', props, t('device.neverSeen'));
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
      h('a', { href: href('job', { id: job.id }), class: 'job-id', id: `job-${job.id}-link` }, t('job.number', { id: job.id })),
      jobStatusBadge(t, job.status),
      redeliveredBadge(t, job),
      job.abort_requested && job.status === 'running' ? h('span', { class: 'badge tone-warn', 'data-testid': `job-${job.id}-abort-requested` }, t('job.abortRequested')) : null,
      job.status === 'running' && job.device_online === false ? h('span', { class: 'badge tone-bad', 'data-testid': `job-${job.id}-device-silent` }, t('job.deviceSilent')) : null,
      deviceName ? h('a', { href: href('device', { id: job.device_id }), class: 'muted' }, deviceName) : null),
    h('div', { class: 'job-meta muted' },
      h('span', {}, i18n.tn('job.items', job.items.length, { amount: formatMg(total, i18n.lang) })),
      ok || failed ? h('span', {}, t('job.okFailed', { ok, failed })) : null,
      h('time', { datetime: job.created_at }, formatDateTime(job.created_at, i18n.lang)),
      job.expires_at && job.status === 'pending' ? h('span', { 'data-testid': `job-${job.id}-expires` }, t('job.expiresAt', { at: formatDateTime(job.expires_at, i18n.lang) })) : null,
      job.last_progress_at && job.status === 'running' ? h('span', {}, t('job.lastProgress', { at: formatRelative(job.last_progress_at, i18n.lang) })) : null),
    h('div', { class: 'job-actions' }, actions(job)));
}

/**
 * The firmware's provisioning line, exactly as firmware/README.md documents it
 * (one JSON line on the serial console): Wi-Fi placeholders for the person to
 * fill in, this server's address and the token.
 */
export function provisioningLine(serverUrl, token) {
  return JSON.stringify({ wifi_ssid: 'WIFI_NAME', wifi_pass: 'WIFI_PASSWORD', server: serverUrl, token })
    .replace(/":/g, '": ').replace(/,"/g, ', "');
}

/** A read-only value with its copy button; the status line says when it was copied. */
function copyable(t, { id, label, value, copyLabel, multiline = false, status }) {
  const input = multiline
    ? h('textarea', { id, 'data-testid': id, readonly: true, rows: 4, class: 'mono', spellcheck: 'false' }, value)
    : h('input', { id, 'data-testid': id, readonly: true, value, class: 'mono' });
  const copy = h('button', {
    type: 'button', class: 'btn', id: `${id}-copy`, 'data-testid': `${id}-copy`,
    onclick: async () => {
      try {
        await navigator.clipboard.writeText(value);
      } catch {
        input.select();
        document.execCommand?.('copy');
      }
      status.textContent = t('token.copied');
    },
  }, icon('copy'), copyLabel);
  return [h('label', { for: id, class: 'copy-label' }, label), h('div', { class: 'row copy-row' }, input, copy)];
}

/** Shows a device token once, with the server address and the firmware's provisioning line to copy. */
export function showDeviceToken(ctx, token, { onClose } = {}) {
  const { t } = ctx;
  const serverUrl = location.origin;
  const status = h('p', { class: 'muted', role: 'status', id: 'device-token-copied' });
  const dlg = openDialog({
    title: t('token.title'),
    testid: 'device-token-dialog',
    onClose,
    body: [
      h('p', { id: 'device-token-warning', class: 'notice tone-warn' }, icon('warn'), t('token.once')),
      copyable(t, { id: 'device-token-value', label: t('token.label'), value: token, copyLabel: t('token.copy'), status }),
      copyable(t, { id: 'device-server-url', label: t('token.serverUrl'), value: serverUrl, copyLabel: t('token.copyUrl'), status }),
      copyable(t, { id: 'device-provisioning', label: t('token.provisioning'), value: provisioningLine(serverUrl, token), copyLabel: t('token.copyProvisioning'), multiline: true, status }),
      h('p', { class: 'hint', id: 'device-provisioning-help' }, t('token.provisioningHelp')),
      status,
      h('div', { class: 'actions' }, h('button', { type: 'button', class: 'btn primary', id: 'device-token-close', 'data-testid': 'device-token-close', onclick: () => dlg.close() }, t('token.saved'))),
    ],
  });
  const input = dlg.dialog.querySelector('#device-token-value');
  input.setAttribute('aria-describedby', 'device-token-warning');
  input.focus();
  input.select();
  return dlg;
}
