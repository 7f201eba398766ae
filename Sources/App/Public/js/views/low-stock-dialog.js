// The low-stock alert threshold of one frasco: below it the owner's
// `stock.low` webhooks fire (once per crossing). Empty clears it.

import { formDialog } from '../ui/dialog.js';
import { field } from '../ui/dom.js';
import { parseGramsToMg, mgToGramsInput } from '../core/format.js';

export function lowStockDialog(ctx, device, frasco, onSaved) {
  const { t } = ctx;
  return formDialog({
    t,
    title: t('lowStock.title', { n: frasco.index + 1 }),
    testid: 'low-stock-dialog',
    submitId: 'low-stock-submit',
    submitLabel: t('action.save'),
    fields: field({ id: 'low-stock-grams', label: t('lowStock.grams'), field: 'low_stock_mg', hint: t('lowStock.hint'), inputmode: 'decimal', value: mgToGramsInput(frasco.low_stock_mg) }),
    validate: (form) => {
      const text = form.querySelector('#low-stock-grams').value.trim();
      if (text === '') return { ok: true, mg: null };
      const mg = parseGramsToMg(text);
      return mg == null ? { ok: false, fields: { low_stock_mg: t('validation.amountNumber') } } : { ok: true, mg };
    },
    submit: (form, v) => ctx.api.setLowStock(device.id, frasco.index, v.mg),
    onDone: onSaved,
  });
}
