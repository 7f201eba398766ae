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

  return {
    get lang() { return lang; },
    setLang(next) {
      if (!LANGUAGES.includes(next) || next === lang) return;
      lang = next;
      try { storage?.setItem(STORAGE_KEY, next); } catch { /* private mode: the choice lasts this page */ }
      for (const fn of listeners) fn(lang);
    },
    onChange(fn) { listeners.add(fn); return () => listeners.delete(fn); },
    /** The text for `key`; falls back to pt-BR, then to the key itself so a gap is visible. */
    t(key, params) {
      const text = messages[lang]?.[key] ?? messages[DEFAULT_LANG]?.[key] ?? key;
      return interpolate(text, params);
    },
    has(key) { return key in (messages[lang] ?? {}); },
  };
}
