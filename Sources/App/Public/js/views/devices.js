// The devices list: presence, firmware, last seen, a stock summary; "new device"
// shows its token once, with the firmware's provisioning line.

import { validateNewDevice } from '../core/job-form.js';
import { href } from '../core/routes.js';
import { h, icon, mount, field } from '../ui/dom.js';
import { formDialog } from '../ui/dialog.js';
import { presenceBadge, lastSeen, showDeviceToken } from './common.js';
import { stockLevel, formatMg } from '../core/format.js';
import { wsUrl, ReconnectingSocket } from '../ui/reconnecting-socket.js';
import { errorText } from '../ui/dom.js';

export async function renderDevices(ctx, _route, main) {
  const { t } = ctx;
  const list = h('ul', { class: 'device-list', id: 'device-list', 'data-testid': 'device-list' });
  const newBtn = h('button', { type: 'button', class: 'btn primary', id: 'device-new', 'data-testid': 'device-new', onclick: () => newDevice(ctx) }, icon('plus'), t('devices.new'));
  mount(main,
    h('div', { class: 'page-head' }, h('h1', { tabindex: '-1' }, t('devices.title')), newBtn),
    list);

  let devices;
  try {
    devices = await ctx.api.listDevices();
  } catch (err) {
    mount(list, h('li', { class: 'notice tone-bad', role: 'alert' }, errorText(err, t)));
    return null;
  }
  if (devices.length === 0) {
    mount(list, h('li', { class: 'empty', 'data-testid': 'devices-empty' }, icon('flask'), h('p', {}, t('devices.empty'))));
    return null;
  }
  const rows = new Map();
  // A live update redraws a row; whoever had focus in it (a keyboard user on the link) keeps it.
  const replaceRow = (device) => {
    const old = rows.get(device.id);
    const focusedId = old?.contains(document.activeElement) ? document.activeElement.id : null;
    const fresh = deviceRow(ctx, device);
    old?.replaceWith(fresh);
    rows.set(device.id, fresh);
    if (focusedId) document.getElementById(focusedId)?.focus();
  };
  mount(list, devices.map((d) => {
    const li = deviceRow(ctx, d);
    rows.set(d.id, li);
    return li;
  }));

  // Keep online state and last seen fresh without a reload: one live feed per device.
  // Bounded: a large fleet is refreshed by polling instead of opening dozens of sockets.
  if (devices.length <= 20) {
    const sockets = devices.map((d) => new ReconnectingSocket(wsUrl(`/ws/devices/${d.id}`), {
      onMessage: (msg) => {
        if (msg.type !== 'device' || !msg.device) return;
        replaceRow(msg.device);
      },
    }).start());
    return () => sockets.forEach((s) => s.stop());
  }
  const timer = setInterval(async () => {
    try {
      for (const d of await ctx.api.listDevices()) replaceRow(d);
    } catch { /* next tick */ }
  }, 15000);
  return () => clearInterval(timer);
}

/** How many bottles are empty or low, so a person sees what needs refilling without opening each device. */
export function stockSummary(frascos) {
  let empty = 0;
  let low = 0;
  for (const f of frascos) {
    const level = stockLevel(f.stock_mg, f.capacity_mg);
    if (level === 'empty') empty += 1;
    else if (level === 'low') low += 1;
  }
  return { empty, low };
}

function deviceRow(ctx, d) {
  const { t, i18n } = ctx;
  const { empty, low } = stockSummary(d.frascos);
  const stock = empty || low
    ? [empty ? h('span', { class: 'badge tone-bad' }, icon('warn'), i18n.tn('devices.emptyFrascos', empty)) : null,
      low ? h('span', { class: 'badge tone-warn' }, icon('warn'), i18n.tn('devices.stockLow', low)) : null]
    : h('span', { class: 'badge tone-ok' }, icon('check'), t('devices.stockOk'));
  return h('li', { class: 'device-row card', 'data-testid': `device-row-${d.id}`, 'data-device-id': d.id },
    h('div', { class: 'device-row-main' },
      h('a', { href: href('device', { id: d.id }), class: 'device-name', id: `device-link-${d.id}`, 'data-testid': `device-link-${d.id}` }, d.name),
      presenceBadge(t, d, { 'data-testid': `device-online-${d.id}` })),
    h('dl', { class: 'facts' },
      h('div', {}, h('dt', {}, t('device.frascos')), h('dd', {}, String(d.frascos.length))),
      h('div', {}, h('dt', {}, t('device.firmware')), h('dd', {}, d.fw_version || '—')),
      h('div', {}, h('dt', {}, t('device.lastSeen')), h('dd', {}, lastSeen(t, i18n.lang, d)))),
    h('div', { class: 'stock-summary', 'data-testid': `device-stock-${d.id}`, 'data-empty': empty, 'data-low': low },
      h('span', { class: 'muted' }, `${t('devices.stock')}:`), stock),
    h('ul', { class: 'mini-stock', 'aria-label': `${t('devices.stock')} · ${d.name}` }, d.frascos.map((f) => {
      const level = stockLevel(f.stock_mg, f.capacity_mg);
      return h('li', { 'data-level': level },
        h('span', {}, f.ingredient ? `${t('frasco.label', { n: f.index + 1 })} · ${f.ingredient}` : t('frasco.label', { n: f.index + 1 })),
        h('span', { class: `amount ${level === 'empty' ? 'tone-text-bad' : level === 'low' ? 'tone-text-warn' : ''}`.trim() },
          f.capacity_mg != null ? t('frasco.stockOf', { stock: formatMg(f.stock_mg, i18n.lang), capacity: formatMg(f.capacity_mg, i18n.lang) }) : formatMg(f.stock_mg, i18n.lang)));
    })));
}

function newDevice(ctx) {
  const { t } = ctx;
  formDialog({
    t,
    title: t('devices.new'),
    testid: 'device-new-dialog',
    submitLabel: t('action.create'),
    submitId: 'device-create-submit',
    fields: [
      field({ id: 'device-name', label: t('device.name'), field: 'name', autocomplete: 'off', required: true, maxlength: 100 }),
      field({ id: 'device-frascos', label: t('device.frascoCount'), field: 'frascos', type: 'number', min: 1, max: 16, value: '4', inputmode: 'numeric', hint: t('device.frascoCountHint') }),
    ],
    validate(form) {
      const v = validateNewDevice({ name: form.querySelector('#device-name').value, frascos: form.querySelector('#device-frascos').value });
      return v.ok ? v : { ok: false, fields: Object.fromEntries(Object.entries(v.fields).map(([k, key]) => [k, t(key)])) };
    },
    submit: (_form, v) => ctx.api.createDevice(v.body.name, v.body.frascos),
    onDone: (r) => showDeviceToken(ctx, r.device_token, { onClose: () => ctx.navigate('device', { id: r.device.id }) }),
  });
}
