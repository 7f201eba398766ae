// Stock honesty: what a job asks against what the bottles hold, and what the
// ledger really deducted. Pure functions, tested in Tests/ui/stock.test.mjs.

import { formatMg } from './format.js';

/** The server's note on a dispense clamped at zero stock (docs/api.md, "Stock is a ledger"). */
const CLAMP_NOTE = /^clamped: reported (\d+) mg$/;

/** The reported amount of a clamped dispense movement, or null. */
export function clampedReportMg(movement) {
  const m = movement?.reason === 'dispense' && typeof movement.note === 'string' ? CLAMP_NOTE.exec(movement.note) : null;
  return m ? Number(m[1]) : null;
}

/**
 * The note column of the stock history: the clamp explained in the person's
 * language and grams, a person's own adjustment note as they typed it, or null.
 */
export function movementNote(t, lang, movement) {
  const reported = clampedReportMg(movement);
  if (reported != null) {
    return t('movement.clamped', { reported: formatMg(reported, lang), deducted: formatMg(-movement.delta_mg, lang) });
  }
  return movement?.note || null;
}

/**
 * Bottles a job asks more from than they hold (items on the same bottle add
 * up). A warning, never a block: the device decides, offline if need be.
 * @param {{index: number, stock_mg: number}[]} frascos
 * @param {{frasco_index: number, amount_mg: number}[]} items  parsed items (invalid ones skipped)
 * @returns {{frascoIndex: number, askedMg: number, stockMg: number}[]}
 */
export function stockShortfalls(frascos, items) {
  const asked = new Map();
  for (const it of items) {
    if (!Number.isInteger(it.frasco_index) || !Number.isFinite(it.amount_mg) || it.amount_mg <= 0) continue;
    asked.set(it.frasco_index, (asked.get(it.frasco_index) ?? 0) + it.amount_mg);
  }
  const out = [];
  for (const [index, askedMg] of [...asked].sort((a, b) => a[0] - b[0])) {
    const f = frascos.find((x) => x.index === index);
    if (f && askedMg > f.stock_mg) out.push({ frascoIndex: index, askedMg, stockMg: f.stock_mg });
  }
  return out;
}

/**
 * What each item of a settled job really took from stock, from the job's
 * dispense movements (one per ok item, in position order per bottle).
 * @returns {Map<number, {deductedMg: number, clamped: boolean}>} by item position
 */
export function deductionsByPosition(job, movements) {
  const queues = new Map();
  for (const m of movements.filter((x) => x.reason === 'dispense' && x.job_id === job.id).sort((a, b) => a.id - b.id)) {
    if (!queues.has(m.frasco_index)) queues.set(m.frasco_index, []);
    queues.get(m.frasco_index).push(m);
  }
  const out = new Map();
  for (const it of [...job.items].sort((a, b) => a.position - b.position)) {
    if (it.status !== 'ok' || !(it.dispensed_mg > 0)) continue;
    const m = queues.get(it.frasco_index)?.shift();
    if (m) out.set(it.position, { deductedMg: 0 - m.delta_mg, clamped: clampedReportMg(m) != null });
  }
  return out;
}
