// Relative times that keep telling the truth: every <time data-relative> is
// re-written from its datetime attribute every few seconds ("há 5 s" → "há 1 min").
// One timer for the whole page; views only mark their elements.

import { formatRelative } from '../core/format.js';

const TICK_MS = 5000;
let timer = null;

/** Re-renders every relative time now. */
export function refreshRelativeTimes(lang, root = document) {
  const now = Date.now();
  for (const el of root.querySelectorAll('time[data-relative]')) {
    const iso = el.getAttribute('datetime');
    if (iso) el.textContent = formatRelative(iso, lang, now);
  }
}

/** Starts the page's ticker once; `getLang` is read at each tick. */
export function startRelativeTimes(getLang) {
  if (timer) return;
  timer = setInterval(() => refreshRelativeTimes(getLang()), TICK_MS);
}
