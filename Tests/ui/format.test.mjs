import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseGramsToMg, mgToGramsInput, formatMg, stockRatio, stockLevel, formatRelative, formatDateTime } from '../../Sources/App/Public/js/core/format.js';

test('grams typed by a person become exact integer milligrams', () => {
  const cases = {
    '12': 12000, '1,5': 1500, '1.5': 1500, '0.001': 1, '0,250': 250, ' 3 ': 3000, ',5': 500, '.05': 50,
    '2.': 2000, '0': 0, '000012': 12000, '999999999999': 999999999999000,
  };
  for (const [text, mg] of Object.entries(cases)) assert.equal(parseGramsToMg(text), mg, text);
  assert.equal(parseGramsToMg(2.5), 2500);
});

test('anything that is not plain grams with at most 3 decimals is refused', () => {
  for (const text of ['', ' ', '.', ',', '-1', '+1', '1e3', '1.0001', '1,2,3', '1.000,5', 'abc', '1 000', 'NaN', 'Infinity', '0x10', '１２']) {
    assert.equal(parseGramsToMg(text), null, JSON.stringify(text));
  }
  assert.equal(parseGramsToMg(null), null);
  assert.equal(parseGramsToMg(undefined), null);
  assert.equal(parseGramsToMg({}), null);
});

test('milligrams back to an input value round-trips', () => {
  for (const mg of [0, 1, 10, 999, 1000, 1500, 123456789]) assert.equal(parseGramsToMg(mgToGramsInput(mg)), mg);
  assert.equal(mgToGramsInput(1500), '1.5');
  assert.equal(mgToGramsInput(-250), '-0.25');
  assert.equal(mgToGramsInput(null), '');
});

test('display uses the language decimal and grouping separators', () => {
  assert.equal(formatMg(1500, 'pt-BR'), '1,5 g');
  assert.equal(formatMg(1500, 'en'), '1.5 g');
  assert.equal(formatMg(1234567, 'pt-BR'), '1.234,567 g');
  assert.equal(formatMg(1234567, 'en'), '1,234.567 g');
  assert.equal(formatMg(0, 'en'), '0 g');
  assert.equal(formatMg(1, 'en'), '0.001 g');
  assert.equal(formatMg(2500, 'en', { signed: true }), '+2.5 g');
  assert.equal(formatMg(-2500, 'en', { signed: true }), '-2.5 g');
  assert.equal(formatMg(null), '—');
});

test('stock ratio and level', () => {
  assert.equal(stockRatio(500, 1000), 0.5);
  assert.equal(stockRatio(5000, 1000), 1, 'clamped');
  assert.equal(stockRatio(-5, 1000), 0, 'clamped');
  assert.equal(stockRatio(5, null), null);
  assert.equal(stockRatio(5, 0), null);
  assert.equal(stockLevel(0, 1000), 'empty');
  assert.equal(stockLevel(100, 1000), 'low');
  assert.equal(stockLevel(900, 1000), 'ok');
  assert.equal(stockLevel(900, null), 'unknown');
});

test('relative and absolute times', () => {
  const now = Date.parse('2024-05-01T12:00:00Z');
  assert.equal(formatRelative('2024-05-01T11:55:00Z', 'en', now), '5 minutes ago');
  assert.equal(formatRelative('2024-05-01T09:00:00Z', 'pt-BR', now), 'há 3 horas');
  assert.equal(formatRelative(null, 'en', now), '—');
  assert.equal(formatRelative('garbage', 'en', now), '—');
  assert.equal(formatDateTime(''), '—');
  assert.notEqual(formatDateTime('2024-05-01T11:55:00Z', 'en'), '—');
});
