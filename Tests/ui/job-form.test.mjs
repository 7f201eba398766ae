import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateJobForm, validateGrams, validateCredentials, validateNewDevice, MAX_JOB_ITEMS, isPlausibleEmail } from '../../Sources/App/Public/js/core/job-form.js';

const rows = (...pairs) => pairs.map(([frascoIndex, grams]) => ({ frascoIndex, grams }));

test('a valid form becomes the API body in integer milligrams, in row order', () => {
  const v = validateJobForm({ deviceId: 4, frascoCount: 3, items: rows(['2', '1,5'], ['0', '10'], [1, '0.001']) });
  assert.deepEqual(v, { ok: true, body: { device_id: 4, items: [
    { frasco_index: 2, amount_mg: 1500 }, { frasco_index: 0, amount_mg: 10000 }, { frasco_index: 1, amount_mg: 1 },
  ] } });
});

test('1 and 32 items are accepted; 0 and 33 are refused', () => {
  assert.equal(validateJobForm({ deviceId: 1, frascoCount: 1, items: rows(['0', '1']) }).ok, true);
  const many = Array.from({ length: MAX_JOB_ITEMS }, () => ({ frascoIndex: '0', grams: '1' }));
  assert.equal(validateJobForm({ deviceId: 1, frascoCount: 1, items: many }).ok, true);
  const none = validateJobForm({ deviceId: 1, frascoCount: 1, items: [] });
  assert.equal(none.ok, false);
  assert.equal(none.formError, 'validation.itemsMin');
  const tooMany = validateJobForm({ deviceId: 1, frascoCount: 1, items: [...many, { frascoIndex: '0', grams: '1' }] });
  assert.equal(tooMany.formError, 'validation.itemsMax');
});

test('errors name the API field paths of the offending rows', () => {
  const v = validateJobForm({ deviceId: 1, frascoCount: 2, items: rows(['0', '1'], ['2', '1'], ['1', '0'], ['-1', 'x'], ['', '1.2345']) });
  assert.equal(v.ok, false);
  assert.equal(v.formError, 'validation.fixFields');
  assert.deepEqual(v.fields, {
    'items[1].frasco_index': 'validation.frascoRange',
    'items[2].amount_mg': 'validation.amountPositive',
    'items[3].frasco_index': 'validation.frascoRange',
    'items[3].amount_mg': 'validation.amountNumber',
    'items[4].frasco_index': 'validation.frascoRange',
    'items[4].amount_mg': 'validation.amountNumber',
  });
});

test('fractional or non-numeric frasco indexes are refused', () => {
  for (const idx of ['1.5', 'a', null, undefined, NaN, 0.5]) {
    const v = validateJobForm({ deviceId: 1, frascoCount: 4, items: [{ frascoIndex: idx, grams: '1' }] });
    assert.equal(v.fields['items[0].frasco_index'], 'validation.frascoRange', String(idx));
  }
});

test('absurdly large amounts are refused before the server sees them', () => {
  const v = validateJobForm({ deviceId: 1, frascoCount: 1, items: rows(['0', '10001']) });
  assert.equal(v.fields['items[0].amount_mg'], 'validation.amountTooLarge');
});

test('a missing device is a form error', () => {
  const v = validateJobForm({ deviceId: undefined, frascoCount: 1, items: rows(['0', '1']) });
  assert.equal(v.formError, 'validation.deviceRequired');
});

test('single grams fields', () => {
  assert.deepEqual(validateGrams('2,5'), { ok: true, mg: 2500 });
  assert.deepEqual(validateGrams('0'), { ok: false, error: 'validation.amountPositive' });
  assert.deepEqual(validateGrams('0', { allowZero: true }), { ok: true, mg: 0 });
  assert.deepEqual(validateGrams('', { allowEmpty: true }), { ok: true, mg: null });
  assert.deepEqual(validateGrams(''), { ok: false, error: 'validation.amountNumber' });
  // Each rule its own message: a negative amount is "greater than zero", not a format problem.
  assert.deepEqual(validateGrams('-3'), { ok: false, error: 'validation.amountPositive' });
  assert.deepEqual(validateGrams('−3'), { ok: false, error: 'validation.amountPositive' });
  assert.deepEqual(validateGrams('-3', { allowZero: true }), { ok: false, error: 'validation.amountNegative' });
  assert.deepEqual(validateGrams('1,2345'), { ok: false, error: 'validation.amountNumber' });
  assert.deepEqual(validateGrams('2000000'), { ok: false, error: 'validation.amountTooLarge' });
});

test('credentials: the password rule applies to sign-up only', () => {
  assert.deepEqual(validateCredentials({ email: 'a@b.c', password: 'short' }), { ok: true });
  assert.deepEqual(validateCredentials({ email: 'a@b.c', password: 'short' }, { register: true }), { ok: false, fields: { password: 'validation.passwordShort' } });
  assert.deepEqual(validateCredentials({ email: 'nope', password: '' }), { ok: false, fields: { email: 'validation.email', password: 'validation.passwordRequired' } });
  assert.equal(validateCredentials({ email: 'x@y.z', password: '0123456789' }, { register: true }).ok, true);
});

test('the email rule is the server\'s (AccountService.isPlausibleEmail)', () => {
  for (const ok of ['ana@example.com', 'a@b.c', 'ana+tag@sub.example.org', 'a@.']) assert.equal(isPlausibleEmail(ok), true, ok);
  for (const bad of ['ana@example', 'ana', '@example.com', 'a@@b.c', 'a@b@c.d', 'ana @example.com', 'ana@exa mple.com', '', `${'a'.repeat(250)}@b.cd`]) {
    assert.equal(isPlausibleEmail(bad), false, bad);
  }
  assert.equal(validateCredentials({ email: 'ana@example', password: 'x' }).fields.email, 'validation.email');
});

test('new device: name and 1..16 frascos', () => {
  assert.deepEqual(validateNewDevice({ name: ' Cozinha ', frascos: '3' }), { ok: true, body: { name: 'Cozinha', frascos: 3 } });
  assert.deepEqual(validateNewDevice({ name: '', frascos: '17' }).fields, { name: 'validation.nameRequired', frascos: 'validation.frascosRange' });
  assert.equal(validateNewDevice({ name: 'a', frascos: '0' }).ok, false);
  assert.equal(validateNewDevice({ name: 'a', frascos: '2.5' }).ok, false);
});
