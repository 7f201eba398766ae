// Device housekeeping on the device page: rename, remove, CSV export links.

import { h, field, errorText } from '../ui/dom.js';
import { formDialog, confirmDialog } from '../ui/dialog.js';

export function deviceAdminButtons(ctx, device, { onRenamed }) {
  const { t } = ctx;
  const rename = h('button', { type: 'button', class: 'btn', id: 'device-rename', 'data-testid': 'device-rename', onclick: () => formDialog({
    t, title: t('deviceAdmin.rename'), testid: 'device-rename-dialog', submitId: 'device-rename-submit', submitLabel: t('action.save'),
    fields: field({ id: 'device-rename-name', label: t('device.name'), field: 'name', value: device.name }),
    submit: (form) => ctx.api.renameDevice(device.id, form.querySelector('#device-rename-name').value),
    onDone: onRenamed,
  }) }, t('deviceAdmin.rename'));
  const remove = h('button', { type: 'button', class: 'btn danger', id: 'device-delete', 'data-testid': 'device-delete', onclick: async () => {
    const ok = await confirmDialog({ t, title: t('deviceAdmin.delete'), text: t('deviceAdmin.deleteConfirm', { name: device.name }), confirmLabel: t('deviceAdmin.delete'), testid: 'device-delete-confirm', danger: true });
    if (!ok) return;
    try {
      await ctx.api.deleteDevice(device.id);
      ctx.navigate('devices');
    } catch (err) {
      ctx.toast(errorText(err, t), 'bad');
    }
  } }, t('deviceAdmin.delete'));
  const csv = h('a', { class: 'btn', href: `/devices/${device.id}/stock/movements.csv`, download: '', 'data-testid': 'movements-csv' }, t('deviceAdmin.movementsCsv'));
  return [rename, remove, csv];
}
