// #/devices/{id}/firmware: the firmware a device runs, the version an active
// rollout wants it on, and every update attempt with its result — so a person
// can see which devices updated, which rolled back and why.

import { formatDateTime } from '../core/format.js';
import { href } from '../core/routes.js';
import { h, mount, badge, errorText } from '../ui/dom.js';

const STATE_TONE = {
  offered: ['neutral', 'clock'], downloading: ['active', 'spinner'], verified: ['active', 'spinner'],
  installing: ['active', 'spinner'], confirmed: ['ok', 'check'], failed: ['bad', 'x'],
  rolled_back: ['warn', 'warn'], timed_out: ['bad', 'clock'], superseded: ['neutral', 'minus'],
};

/** A badge for an update attempt's state. */
export function updateStateBadge(t, state) {
  const [tone, ic] = STATE_TONE[state] ?? ['neutral', 'clock'];
  return badge(tone, ic, t(`fwState.${state}`), { 'data-state': state });
}

export async function renderDeviceFirmware(ctx, route, main) {
  const { t, i18n } = ctx;
  const id = route.params.id;
  let device;
  let firmware;
  try {
    [device, firmware] = await Promise.all([ctx.api.getDevice(id), ctx.api.request('GET', `/devices/${id}/firmware?limit=50`)]);
  } catch (err) {
    mount(main, h('h1', { tabindex: '-1' }, t(err.status === 404 ? 'device.notFound' : 'error.generic')),
      h('p', { class: 'notice tone-bad', role: 'alert' }, errorText(err, t)),
      h('p', {}, h('a', { href: href('devices') }, t('nav.devices'))));
    return null;
  }
  const when = (iso) => (iso ? h('time', { datetime: iso }, formatDateTime(iso, i18n.lang)) : '—');
  const rows = firmware.attempts.map((a) => h('tr', { 'data-testid': `fw-attempt-${a.id}`, 'data-state': a.state },
    h('td', { class: 'mono' }, a.version),
    h('td', { class: 'mono muted' }, a.from_version ?? '—'),
    h('td', {}, updateStateBadge(t, a.state)),
    h('td', {}, a.error ?? ''),
    h('td', {}, when(a.started_at)),
    h('td', {}, when(a.finished_at))));

  mount(main,
    h('div', { class: 'page-head' }, h('h1', { tabindex: '-1' }, t('firmware.title', { name: device.name }))),
    h('p', {}, h('a', { href: href('device', { id }) }, t('firmware.back'))),
    h('dl', { class: 'card', 'data-testid': 'fw-summary' },
      h('dt', {}, t('firmware.running')),
      h('dd', { class: firmware.fw_version ? 'mono' : 'muted', 'data-testid': 'fw-running' }, firmware.fw_version ?? t('firmware.unknown')),
      h('dt', {}, t('firmware.target')),
      h('dd', { class: firmware.target ? 'mono' : 'muted', 'data-testid': 'fw-target' }, firmware.target?.version ?? t('firmware.noTarget'))),
    h('section', { 'aria-labelledby': 'fw-attempts-title' },
      h('h2', { id: 'fw-attempts-title' }, t('firmware.attempts')),
      rows.length === 0
        ? h('p', { class: 'empty muted', 'data-testid': 'fw-attempts-empty' }, t('firmware.noAttempts'))
        : h('div', { class: 'table-wrap' },
          h('table', { class: 'movements', 'data-testid': 'fw-attempts' },
            h('thead', {}, h('tr', {},
              ['firmware.version', 'firmware.from', 'firmware.state', 'firmware.error', 'firmware.started', 'firmware.finished']
                .map((k) => h('th', { scope: 'col' }, t(k))))),
            h('tbody', {}, rows)))));
  return null;
}
