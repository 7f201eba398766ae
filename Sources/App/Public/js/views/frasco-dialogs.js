// The three frasco actions of the device page: refill, edit, adjust.

import { validateGrams } from '../core/job-form.js';
import { mgToGramsInput } from '../core/format.js';
import { field, h } from '../ui/dom.js';
import { formDialog } from '../ui/dialog.js';

function gramsFields(t, entries) {
  const fields = {};
  for (const [path, result] of entries) if (!result.ok) fields[path] = t(result.error);
  return Object.keys(fields).length ? { ok: false, fields } : { ok: true };
}

export function refillDialog(ctx, device, frasco, onDone) {
  const { t } = ctx;
  formDialog({
    t, onDone,
    title: t('frasco.refillTitle', { n: frasco.index + 1 }),
    testid: 'refill-dialog',
    submitLabel: t('frasco.refill'),
    submitId: 'refill-submit',
    fields: [field({ id: 'refill-grams', label: t('frasco.refillAmount'), field: 'amount_mg', inputmode: 'decimal', autocomplete: 'off', required: true })],
    validate(form) {
      const r = validateGrams(form.querySelector('#refill-grams').value);
      return r.ok ? { ok: true, mg: r.mg } : gramsFields(t, [['amount_mg', r]]);
    },
    submit: (_f, v) => ctx.api.refill(device.id, frasco.index, v.mg),
  });
}

export function editDialog(ctx, device, frasco, onDone) {
  const { t } = ctx;
  formDialog({
    t, onDone,
    title: t('frasco.editTitle', { n: frasco.index + 1 }),
    testid: 'frasco-edit-dialog',
    submitLabel: t('action.save'),
    submitId: 'frasco-edit-submit',
    fields: [
      field({ id: 'frasco-ingredient', label: t('frasco.ingredient'), field: 'ingredient', value: frasco.ingredient ?? '', autocomplete: 'off', maxlength: 100 }),
      field({ id: 'frasco-capacity', label: t('frasco.capacity'), field: 'capacity_mg', inputmode: 'decimal', autocomplete: 'off', value: mgToGramsInput(frasco.capacity_mg), hint: t('frasco.capacityHint') }),
    ],
    validate(form) {
      const r = validateGrams(form.querySelector('#frasco-capacity').value, { allowEmpty: true });
      return r.ok ? { ok: true, capacityMg: r.mg } : gramsFields(t, [['capacity_mg', r]]);
    },
    submit: (form, v) => ctx.api.updateFrasco(device.id, frasco.index, form.querySelector('#frasco-ingredient').value.trim(), v.capacityMg),
  });
}

export function adjustDialog(ctx, device, frasco, onDone) {
  const { t } = ctx;
  formDialog({
    t, onDone,
    title: t('frasco.adjustTitle', { n: frasco.index + 1 }),
    testid: 'adjust-dialog',
    submitLabel: t('frasco.adjust'),
    submitId: 'adjust-submit',
    fields: [
      h('p', { class: 'muted' }, t('frasco.adjustHelp')),
      field({ id: 'adjust-grams', label: t('frasco.countedStock'), field: 'stock_mg', inputmode: 'decimal', autocomplete: 'off', value: mgToGramsInput(frasco.stock_mg) }),
      field({ id: 'adjust-note', label: t('frasco.note'), field: 'note', autocomplete: 'off', maxlength: 200 }),
    ],
    validate(form) {
      const r = validateGrams(form.querySelector('#adjust-grams').value, { allowZero: true });
      return r.ok ? { ok: true, mg: r.mg } : gramsFields(t, [['stock_mg', r]]);
    },
    submit: (form, v) => ctx.api.adjust(device.id, frasco.index, v.mg, form.querySelector('#adjust-note').value.trim()),
  });
}
