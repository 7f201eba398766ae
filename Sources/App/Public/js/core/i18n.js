// A tiny i18n module: two dictionaries, a `t(key, params)` and a remembered choice.
// Pure: the storage (localStorage in the browser) is injected.

import { MESSAGES } from './messages.js';

export const LANGUAGES = Object.freeze(['pt-BR', 'en']);
export const DEFAULT_LANG = 'pt-BR';
export const STORAGE_KEY = 'yaguts.lang';

/** Replaces `{name}` placeholders; unknown placeholders are left visible. */
export function interpolate(text, params = {}) {
  return text.replace(/\{(\w+)\}/g, (m, k) => (k in params ? String(params[k]) : m));
}

/**
 * @param {object} [opts]
 * @param {{getItem(k:string): string|null, setItem(k:string, v:string): void}} [opts.storage]
 * @param {string} [opts.preferred]  e.g. navigator.language, used when nothing was stored
 */
export function createI18n({ storage = null, preferred = null, messages = MESSAGES } = {}) {
  const listeners = new Set();
  let lang = pickInitial();

  function pickInitial() {
    let stored = null;
    try { stored = storage?.getItem(STORAGE_KEY) ?? null; } catch { stored = null; }
    if (LANGUAGES.includes(stored)) return stored;
    if (typeof preferred === 'string' && preferred.toLowerCase().startsWith('en')) return 'en';
    return DEFAULT_LANG;
  }

  /** The text for `key`; falls back to pt-BR, then to the key itself so a gap is visible. */
  const t = (key, params) => {
    const text = messages[lang]?.[key] ?? messages[DEFAULT_LANG]?.[key] ?? key;
    return interpolate(text, params);
  };
  // Helpers that only get `t` (error rendering) still format in the right language.
  Object.defineProperty(t, 'lang', { get: () => lang });

  return {
    t,
    get lang() { return lang; },
    setLang(next) {
      if (!LANGUAGES.includes(next) || next === lang) return;
      lang = next;
      try { storage?.setItem(STORAGE_KEY, next); } catch { /* private mode: the choice lasts this page */ }
      for (const fn of listeners) fn(lang);
    },
    onChange(fn) { listeners.add(fn); return () => listeners.delete(fn); },
    /**
     * A counted text: `key.one`, `key.other` (… as Intl.PluralRules names the
     * forms of the language), with `n` among the params.
     */
    tn(key, n, params = {}) {
      const form = new Intl.PluralRules(lang).select(n);
      const dict = messages[lang] ?? {};
      const full = `${key}.${form}` in dict ? `${key}.${form}` : `${key}.other`;
      return t(full, { n, ...params });
    },
    has(key) { return key in (messages[lang] ?? {}); },
  };
}
