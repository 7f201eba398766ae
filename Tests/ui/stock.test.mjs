import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stockShortfalls, deductionsByPosition, movementNote, clampedReportMg } from '../../Sources/App/Public/js/core/stock.js';
import { jobMatches, localDay, dayRange } from '../../Sources/App/Public/js/core/job-filter.js';
import { createI18n } from '../../Sources/App/Public/js/core/i18n.js';

const frascos = [{ index: 0, stock_mg: 8000 }, { index: 1, stock_mg: 50000 }, { index: 2, stock_mg: 0 }];

test('a job asking more than a bottle holds is flagged; items on one bottle add up', () => {
  assert.deepEqual(stockShortfalls(frascos, [{ frasco_index: 0, amount_mg: 20000 }]), [{ frascoIndex: 0, askedMg: 20000, stockMg: 8000 }]);
  assert.deepEqual(stockShortfalls(frascos, [{ frasco_index: 1, amount_mg: 30000 }, { frasco_index: 1, amount_mg: 30000 }]),
    [{ frascoIndex: 1, askedMg: 60000, stockMg: 50000 }]);
  assert.deepEqual(stockShortfalls(frascos, [{ frasco_index: 0, amount_mg: 8000 }]), [], 'exactly the stock is fine');
  assert.deepEqual(stockShortfalls(frascos, [{ frasco_index: 0, amount_mg: null }, { frasco_index: 9, amount_mg: 5 }]), [], 'unparsed rows and unknown bottles are left to validation');
  assert.deepEqual(stockShortfalls(frascos, [{ frasco_index: 2, amount_mg: 1 }, { frasco_index: 0, amount_mg: 9000 }]).map((s) => s.frascoIndex), [0, 2]);
});

test('the ledger\'s clamp note is explained in grams; a person\'s note is shown as typed', () => {
  const pt = createI18n({ preferred: 'pt-BR' });
  const en = createI18n({ preferred: 'en' });
  const clamped = { reason: 'dispense', delta_mg: -8000, note: 'clamped: reported 20000 mg', job_id: 3, frasco_index: 0 };
  assert.equal(clampedReportMg(clamped), 20000);
  assert.equal(movementNote(pt.t, 'pt-BR', clamped), 'pedido 20 g, deduzido 8 g: o estoque acabou');
  assert.equal(movementNote(en.t, 'en', clamped), 'asked 20 g, deducted 8 g: the stock ran out');
  assert.equal(movementNote(en.t, 'en', { reason: 'adjust', delta_mg: -100, note: 'weighed' }), 'weighed');
  assert.equal(movementNote(en.t, 'en', { reason: 'adjust', delta_mg: -100, note: 'clamped: reported 5 mg' }), 'clamped: reported 5 mg', 'only a dispense can be clamped');
  assert.equal(movementNote(en.t, 'en', { reason: 'refill', delta_mg: 100, note: null }), null);
});

test('requested vs really deducted per item, matched through the job\'s movements', () => {
  const job = { id: 7, items: [
    { position: 0, frasco_index: 0, status: 'ok', dispensed_mg: 20000 },
    { position: 1, frasco_index: 1, status: 'failed', dispensed_mg: 0 },
    { position: 2, frasco_index: 0, status: 'ok', dispensed_mg: 1000 },
    { position: 3, frasco_index: 1, status: 'ok', dispensed_mg: 500 },
  ] };
  const movements = [
    { id: 12, reason: 'dispense', job_id: 7, frasco_index: 1, delta_mg: -500, note: null },
    { id: 11, reason: 'dispense', job_id: 7, frasco_index: 0, delta_mg: 0, note: 'clamped: reported 1000 mg' },
    { id: 10, reason: 'dispense', job_id: 7, frasco_index: 0, delta_mg: -8000, note: 'clamped: reported 20000 mg' },
    { id: 9, reason: 'dispense', job_id: 6, frasco_index: 0, delta_mg: -1, note: null },
    { id: 8, reason: 'refill', job_id: null, frasco_index: 0, delta_mg: 8001, note: null },
  ];
  const d = deductionsByPosition(job, movements);
  assert.deepEqual([...d.entries()], [
    [0, { deductedMg: 8000, clamped: true }],
    [2, { deductedMg: 0, clamped: true }],
    [3, { deductedMg: 500, clamped: false }],
  ]);
});

test('job history: a range of local days becomes the server\'s instants, the end day included', () => {
  assert.deepEqual(dayRange('', ''), {});
  const r = dayRange('2026-11-29', '2026-11-30');
  assert.equal(r.createdFrom, new Date(2026, 10, 29).toISOString());
  assert.equal(r.createdBefore, new Date(2026, 11, 1).toISOString(), 'before the start of the day after "to"');
  assert.deepEqual(Object.keys(dayRange('2026-11-29', 'garbage')), ['createdFrom']);
  assert.equal(localDay(new Date(2026, 10, 29, 23, 59).toISOString()), '2026-11-29');
});

test('job history search: number, device and ingredients, every word', () => {
  const job = { id: 42, created_at: new Date(2026, 10, 29, 12, 0).toISOString() };
  const ctx = { deviceName: 'Bancada 1', ingredients: ['Açúcar', 'Sal'] };
  assert.equal(jobMatches(job, {}, ctx), true);
  assert.equal(jobMatches(job, { search: '#42' }, ctx), true);
  assert.equal(jobMatches(job, { search: 'bancada açúcar' }, ctx), true);
  assert.equal(jobMatches(job, { search: 'BANCADA' }, ctx), true);
  assert.equal(jobMatches(job, { search: 'bancada pimenta' }, ctx), false, 'every word must match');
  assert.equal(jobMatches(job, { search: '43' }, ctx), false);
});
