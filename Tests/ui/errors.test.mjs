// Every error code the server documents has a text in every language, and
// server English never reaches a screen: the UI renders codes and values.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MESSAGES } from '../../Sources/App/Public/js/core/messages.js';
import { createI18n, LANGUAGES } from '../../Sources/App/Public/js/core/i18n.js';
import { ERROR_CODES, FIELD_CODES, fieldMessage, fieldMessages, errorMessage, deviceErrorText } from '../../Sources/App/Public/js/core/errors.js';
import { parseErrorBody } from '../../Sources/App/Public/js/core/api.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const API_DOC = readFileSync(join(ROOT, 'docs/api.md'), 'utf8');

/** The "Field codes" table of docs/api.md: its first column. */
function documentedFieldCodes() {
  const section = API_DOC.split('### Field codes')[1].split('\n### ')[0];
  return [...section.matchAll(/^\| `([a-z_]+)` \|/gm)].map((m) => m[1]);
}

/** Every top-level code docs/api.md shows: the status table and every example body. */
function documentedErrorCodes() {
  const codes = new Set();
  const table = API_DOC.split('### Status codes')[1].split('\n### ')[0];
  for (const m of table.matchAll(/^\| \d{3} \| `([a-z_]+)`/gm)) codes.add(m[1]);
  for (const m of table.matchAll(/409 \| various \| A state conflict: ([^.]+)\./g)) for (const c of m[1].matchAll(/`([a-z_]+)`/g)) codes.add(c[1]);
  for (const m of API_DOC.matchAll(/\{"error":\{"code":"([a-z_]+)"/g)) codes.add(m[1]);
  for (const m of API_DOC.matchAll(/The top-level `code`s are[^]*?particular endpoints, ([^.]+)\./g)) for (const c of m[1].matchAll(/`([a-z_]+)`/g)) codes.add(c[1]);
  codes.delete('snake_case_code'); // the placeholder in the body's description
  return [...codes];
}

/** Every `code: "…"` the server's Swift sources write (error bodies and field problems). */
function serverCodes(dir = join(ROOT, 'Sources')) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return serverCodes(p);
    return p.endsWith('.swift') ? [...readFileSync(p, 'utf8').matchAll(/\bcode: "([a-z_]+)"/g)].map((m) => m[1]) : [];
  });
}

test('every code the server can send is catalogued and documented (a new one fails here until it is)', () => {
  const sent = new Set(serverCodes());
  assert.ok(sent.size >= 40, `only ${sent.size} codes found in Sources: the scan is broken`);
  const known = new Set([...ERROR_CODES, ...FIELD_CODES]);
  assert.deepEqual([...sent].filter((c) => !known.has(c)).sort(), [], 'sent by the server but unknown to the UI');
  assert.deepEqual([...sent].filter((c) => !API_DOC.includes(`\`${c}\``) && !API_DOC.includes(`"code":"${c}"`)).sort(), [], 'sent but not in docs/api.md');
});

test('docs/api.md is read: the scans find the tables', () => {
  assert.ok(documentedFieldCodes().length >= 25, `only ${documentedFieldCodes().length} field codes found`);
  assert.ok(documentedErrorCodes().length >= 20, `only ${documentedErrorCodes().length} error codes found`);
});

test('every documented field code is in the catalogue, with a text in every language', () => {
  const documented = documentedFieldCodes();
  assert.deepEqual(documented.filter((c) => !FIELD_CODES.includes(c)), [], 'documented but unknown to the UI');
  assert.deepEqual(FIELD_CODES.filter((c) => !documented.includes(c)), [], 'in the UI but not documented');
  for (const lang of LANGUAGES) {
    for (const code of FIELD_CODES) {
      assert.ok(MESSAGES[lang][`field.${code}`]?.trim(), `${lang}: no text for field code ${code}`);
    }
    for (const key of ['field.at_least.positive', 'field.at_least.zero']) assert.ok(MESSAGES[lang][key], `${lang} ${key}`);
  }
});

test('every documented error code has a text in every language', () => {
  const documented = documentedErrorCodes();
  assert.deepEqual(documented.filter((c) => !ERROR_CODES.includes(c)), [], 'documented but missing from ERROR_CODES');
  for (const lang of LANGUAGES) {
    for (const code of ERROR_CODES) assert.ok(MESSAGES[lang][`error.code.${code}`]?.trim(), `${lang}: no text for error code ${code}`);
  }
});

test('every text renders: no placeholder is left unfilled for any code', () => {
  const sample = { min: 1, max: 16, fits_mg: 162000, capacity_mg: 500000, stock_mg: 900, position: 0, frasco_index: 2 };
  for (const lang of LANGUAGES) {
    const i18n = createI18n({ preferred: lang === 'en' ? 'en' : 'pt-BR' });
    for (const code of FIELD_CODES) {
      const text = fieldMessage(i18n.t, lang, 'amount_mg', { code, ...sample });
      assert.doesNotMatch(text, /\{\w+\}/, `${lang} ${code}: ${text}`);
    }
    for (const code of ERROR_CODES) assert.doesNotMatch(errorMessage(i18n.t, { code, status: 400 }), /\{\w+\}|^error\./, `${lang} ${code}`);
  }
});

test('amounts are grams in the person\'s format; counts of bottles start at 1', () => {
  const pt = createI18n({ preferred: 'pt-BR' });
  const en = createI18n({ preferred: 'en' });
  assert.equal(fieldMessage(pt.t, 'pt-BR', 'amount_mg', { code: 'exceeds_capacity', fits_mg: 162000 }), 'Cabe no máximo 162 g.');
  assert.equal(fieldMessage(en.t, 'en', 'amount_mg', { code: 'exceeds_capacity', fits_mg: 1500 }), 'At most 1.5 g fits.');
  assert.equal(fieldMessage(pt.t, 'pt-BR', 'amount_mg', { code: 'out_of_range', min: 1, max: 1000000000000 }), 'Deve estar entre 0,001 g e 1.000.000.000 g.');
  assert.equal(fieldMessage(en.t, 'en', 'frascos', { code: 'out_of_range', min: 1, max: 16 }), 'Must be between 1 and 16.');
  assert.equal(fieldMessage(en.t, 'en', 'items[0].amount_mg', { code: 'at_least', min: 1 }), 'Must be greater than zero.');
  assert.equal(fieldMessage(en.t, 'en', 'x', { code: 'frasco_mismatch', position: 0, frasco_index: 2 }), 'Item 1 uses bottle 3.');
  assert.equal(fieldMessage(en.t, 'en', 'x', { code: 'something_new' }), 'Not a valid value.', 'an unknown code still gets a translated text');
});

test('a server 422 renders without a word of the server\'s English', () => {
  const pt = createI18n({ preferred: 'pt-BR' });
  const err = parseErrorBody(422, JSON.stringify({ error: {
    code: 'invalid_fields', message: 'The account is not valid.',
    fields: { email: 'must be an email address', password: 'must be at least 10 characters' },
    field_codes: { email: { code: 'email' }, password: { code: 'min_length', min: 10 } },
  } }));
  const texts = [errorMessage(pt.t, err), ...Object.values(fieldMessages(pt.t, 'pt-BR', err))];
  assert.deepEqual(texts, ['Corrija os campos destacados.', 'Informe um e-mail válido, como ana@exemplo.com.', 'Deve ter pelo menos 10 caracteres.']);
  for (const text of texts) assert.doesNotMatch(text, /must|account|valid\b/);
  // A field the server named without a code (an older server) still gets our text, not its English.
  const old = parseErrorBody(422, JSON.stringify({ error: { code: 'invalid_fields', message: 'x', fields: { name: 'must be 1 to 100 characters' } } }));
  assert.deepEqual(fieldMessages(pt.t, 'pt-BR', old), { name: 'Valor inválido.' });
});

test('network trouble, rate limits and unknown codes', () => {
  const en = createI18n({ preferred: 'en' });
  assert.match(errorMessage(en.t, { status: 0, code: 'network' }), /Cannot reach the server/);
  assert.equal(errorMessage(en.t, { status: 429, code: 'rate_limited', retryAfter: 7 }), 'Too many requests. Try again in 7 s.');
  assert.equal(errorMessage(en.t, { status: 418, code: 'http_418' }), 'Something went wrong.');
});

test('the device errors the server writes are translated; a firmware\'s own text is kept', () => {
  const pt = createI18n({ preferred: 'pt-BR' });
  assert.equal(deviceErrorText(pt.t, 'simulated failure'), 'falha simulada');
  assert.equal(deviceErrorText(pt.t, 'not reported'), 'não informado pelo dispositivo');
  assert.equal(deviceErrorText(pt.t, 'clog detected'), 'clog detected');
});
