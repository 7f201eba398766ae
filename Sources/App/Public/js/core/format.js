// Quantity and time formatting. Stock is integer milligrams everywhere; the
// person types and reads grams. Conversions are done on strings/integers, so
// no floating-point rounding ever changes an amount that is sent.

const MG_PER_G = 1000;

/**
 * Parses what a person typed as grams ("12", "1,5", "0.250", " 3 ") into
 * integer milligrams. Accepts a comma or a dot as decimal separator and at
 * most three decimals (1 mg resolution). Returns `null` for anything else
 * (empty, signs, exponents, grouping separators, more decimals).
 */
export function parseGramsToMg(text) {
  if (typeof text === 'number') text = String(text);
  if (typeof text !== 'string') return null;
  const m = /^\s*(\d{0,12})(?:[.,](\d{0,3}))?\s*$/.exec(text);
  if (!m || (m[1] === '' && !m[2])) return null;
  const whole = m[1] === '' ? '0' : m[1];
  const frac = m[2] ?? '';
  const mg = Number(whole) * MG_PER_G + Number((frac + '000').slice(0, 3));
  return Number.isSafeInteger(mg) ? mg : null;
}

/** Integer milligrams → grams as a plain string for an input ("1.5"), no grouping. */
export function mgToGramsInput(mg) {
  if (mg == null) return '';
  const sign = mg < 0 ? '-' : '';
  const abs = Math.abs(mg);
  const whole = Math.trunc(abs / MG_PER_G);
  const frac = String(abs % MG_PER_G).padStart(3, '0').replace(/0+$/, '');
  return sign + String(whole) + (frac ? '.' + frac : '');
}

/**
 * Integer milligrams → "1,5 g" (pt-BR) / "1.5 g" (en). `signed` adds "+" to
 * positive values (for stock movements).
 */
export function formatMg(mg, lang = 'pt-BR', { signed = false } = {}) {
  if (mg == null || !Number.isFinite(mg)) return '—';
  const nf = new Intl.NumberFormat(lang, {
    minimumFractionDigits: 0,
    maximumFractionDigits: 3,
    signDisplay: signed ? 'exceptZero' : 'auto',
  });
  // Division by 1000 of an integer is exact enough for three decimals of display.
  return `${nf.format(mg / MG_PER_G)} g`;
}

/** Fill ratio in [0, 1] for a stock bar, or null when no capacity is set. */
export function stockRatio(stockMg, capacityMg) {
  if (capacityMg == null || capacityMg <= 0) return null;
  return Math.min(1, Math.max(0, stockMg / capacityMg));
}

/** Stock level bucket used to colour a stock bar (never the only signal). */
export function stockLevel(stockMg, capacityMg) {
  if (stockMg <= 0) return 'empty';
  const r = stockRatio(stockMg, capacityMg);
  if (r == null) return 'unknown';
  if (r < 0.15) return 'low';
  return 'ok';
}

/** RFC 3339 server time → local date and time text, or "—". */
export function formatDateTime(iso, lang = 'pt-BR') {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '—';
  return new Intl.DateTimeFormat(lang, { dateStyle: 'short', timeStyle: 'medium' }).format(d);
}

/**
 * Relative description of a past time ("há 5 minutos" / "5 minutes ago").
 * `now` is injectable for tests.
 */
export function formatRelative(iso, lang = 'pt-BR', now = Date.now()) {
  if (!iso) return '—';
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) return '—';
  const seconds = Math.round((t - now) / 1000);
  const rtf = new Intl.RelativeTimeFormat(lang, { numeric: 'auto' });
  const abs = Math.abs(seconds);
  if (abs < 60) return rtf.format(seconds, 'second');
  if (abs < 3600) return rtf.format(Math.round(seconds / 60), 'minute');
  if (abs < 86400) return rtf.format(Math.round(seconds / 3600), 'hour');
  return rtf.format(Math.round(seconds / 86400), 'day');
}
