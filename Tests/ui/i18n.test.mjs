import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MESSAGES } from '../../Sources/App/Public/js/core/messages.js';
import { createI18n, interpolate, STORAGE_KEY } from '../../Sources/App/Public/js/core/i18n.js';

const JS_ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../Sources/App/Public/js');

function memoryStorage(initial = {}) {
  const m = new Map(Object.entries(initial));
  return { getItem: (k) => (m.has(k) ? m.get(k) : null), setItem: (k, v) => m.set(k, String(v)), map: m };
}

function placeholders(text) {
  return [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
}

test('pt-BR and en have exactly the same keys', () => {
  const pt = Object.keys(MESSAGES['pt-BR']).sort();
  const en = Object.keys(MESSAGES.en).sort();
  assert.deepEqual(pt.filter((k) => !en.includes(k)), [], 'missing in en');
  assert.deepEqual(en.filter((k) => !pt.includes(k)), [], 'missing in pt-BR');
});

test('translations use the same placeholders and none is empty', () => {
  for (const [key, text] of Object.entries(MESSAGES['pt-BR'])) {
    assert.ok(text.trim(), `pt-BR ${key} empty`);
    assert.ok(MESSAGES.en[key].trim(), `en ${key} empty`);
    assert.deepEqual(placeholders(MESSAGES.en[key]), placeholders(text), key);
  }
});

function sources(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.js') ? [p] : [];
  });
}

test('every literal key used by the sources exists in the dictionaries', () => {
  const used = new Set();
  const plural = new Set();
  for (const file of sources(JS_ROOT)) {
    const text = readFileSync(file, 'utf8');
    // t('key'), t("key") and i18n keys returned as values ('validation.x', 'monitor.x').
    for (const m of text.matchAll(/\bt\(\s*['"]([\w.-]+)['"]/g)) used.add(m[1]);
    for (const m of text.matchAll(/['"]((?:validation|monitor|auth|device|jobStatus|itemStatus)\.[\w]+)['"]/g)) used.add(m[1]);
    // tn('key', n): a plural family, key.one / key.other …
    for (const m of text.matchAll(/\btn\(\s*['"]([\w.-]+)['"]/g)) plural.add(m[1]);
  }
  assert.ok(used.size > 50, `found only ${used.size} keys: the scan is broken`);
  assert.ok(plural.size >= 4, `found only ${plural.size} plural keys: the scan is broken`);
  const missing = [...used].filter((k) => !plural.has(k) && !(k in MESSAGES['pt-BR']));
  assert.deepEqual(missing, []);
  for (const lang of ['pt-BR', 'en']) {
    for (const k of plural) {
      // The forms whole numbers take in this language (pt-BR's "many" is for compact notation only).
      const forms = new Set([0, 1, 2, 5, 21, 100, 1000].map((n) => new Intl.PluralRules(lang).select(n)));
      for (const form of new Set(['other', ...forms])) {
        assert.ok(`${k}.${form}` in MESSAGES[lang], `${lang} ${k}.${form} missing`);
      }
    }
  }
});

test('plurals follow Intl.PluralRules: 1 item, 2 items, 0 itens in pt-BR', () => {
  const i18n = createI18n({ preferred: 'en' });
  assert.equal(i18n.tn('job.items', 1, { amount: '1 g' }), '1 item · 1 g');
  assert.equal(i18n.tn('job.items', 2, { amount: '1 g' }), '2 items · 1 g');
  i18n.setLang('pt-BR');
  assert.equal(i18n.tn('job.items', 1, { amount: '1 g' }), '1 item · 1 g');
  assert.equal(i18n.tn('job.items', 2, { amount: '2 g' }), '2 itens · 2 g');
  assert.equal(i18n.tn('job.items', 0, { amount: '0 g' }), '0 item · 0 g', 'CLDR: pt uses the singular for 0');
});

test('English says bottle, never frasco; pt-BR keeps frasco', () => {
  const english = Object.entries(MESSAGES.en).filter(([k]) => !k.startsWith('lang.'));
  assert.deepEqual(english.filter(([, v]) => /frasco/i.test(v.replace(/\{\w+\}/g, ''))).map(([k]) => k), []);
  assert.match(MESSAGES.en['frasco.label'], /^Bottle /);
  assert.match(MESSAGES['pt-BR']['frasco.label'], /^Frasco /);
});

test('t carries the current language, for helpers that only get t', () => {
  const i18n = createI18n({ preferred: 'en' });
  assert.equal(i18n.t.lang, 'en');
  i18n.setLang('pt-BR');
  assert.equal(i18n.t.lang, 'pt-BR');
});

test('dynamic key families are complete', () => {
  for (const s of ['pending', 'running', 'done', 'done_partial', 'failed', 'cancelled']) assert.ok(`jobStatus.${s}` in MESSAGES.en, s);
  for (const s of ['pending', 'dispensing', 'ok', 'failed']) assert.ok(`itemStatus.${s}` in MESSAGES.en, s);
  for (const s of ['refill', 'dispense', 'adjust']) assert.ok(`reason.${s}` in MESSAGES.en, s);
  for (const s of ['low', 'empty']) assert.ok(`stock.${s}` in MESSAGES.en, s);
});

test('default is pt-BR; an English browser starts in English; a stored choice wins', () => {
  assert.equal(createI18n({ storage: memoryStorage() }).lang, 'pt-BR');
  assert.equal(createI18n({ storage: memoryStorage(), preferred: 'en-US' }).lang, 'en');
  assert.equal(createI18n({ storage: memoryStorage({ [STORAGE_KEY]: 'pt-BR' }), preferred: 'en-US' }).lang, 'pt-BR');
  assert.equal(createI18n({ storage: memoryStorage({ [STORAGE_KEY]: 'klingon' }) }).lang, 'pt-BR');
});

test('the choice is remembered and listeners hear of it', () => {
  const storage = memoryStorage();
  const i18n = createI18n({ storage });
  const heard = [];
  i18n.onChange((l) => heard.push(l));
  i18n.setLang('en');
  i18n.setLang('en');
  i18n.setLang('xx');
  assert.equal(i18n.lang, 'en');
  assert.deepEqual(heard, ['en']);
  assert.equal(storage.map.get(STORAGE_KEY), 'en');
  assert.equal(createI18n({ storage }).lang, 'en');
  assert.equal(i18n.t('jobForm.run'), 'Run');
  i18n.setLang('pt-BR');
  assert.equal(i18n.t('jobForm.run'), 'Executar');
});

test('storage that throws (private mode) does not break anything', () => {
  const storage = { getItem() { throw new Error('denied'); }, setItem() { throw new Error('denied'); } };
  const i18n = createI18n({ storage });
  i18n.setLang('en');
  assert.equal(i18n.lang, 'en');
});

test('interpolation and fallbacks', () => {
  assert.equal(interpolate('Frasco {n} · {name}', { n: 2, name: 'Sal' }), 'Frasco 2 · Sal');
  assert.equal(interpolate('{a} {missing}', { a: 1 }), '1 {missing}');
  const i18n = createI18n({ messages: { 'pt-BR': { only: 'só pt {x}' }, en: {} }, storage: memoryStorage({ [STORAGE_KEY]: 'en' }) });
  assert.equal(i18n.t('only', { x: 1 }), 'só pt 1', 'falls back to pt-BR');
  assert.equal(i18n.t('nope'), 'nope', 'a missing key stays visible');
});
