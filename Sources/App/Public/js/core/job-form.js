// Validation of the new-job form, before anything is sent.
//
// The form speaks grams; the API takes integer milligrams. Errors are returned
// keyed by the API's own field paths (`items[2].amount_mg`), so client-side and
// server-side (422) errors land next to the same inputs. Messages are i18n keys.

import { parseGramsToMg } from './format.js';

export const MAX_JOB_ITEMS = 32;
/** Upper bound per item, a guard against a slip of the finger (10 kg). */
export const MAX_ITEM_MG = 10_000_000;

/** "-3", "−3": a number below zero, said as such rather than as a format problem. */
function isNegativeNumber(text) {
  return typeof text === 'string' && /^\s*[-\u2212]\s*\d+(?:[.,]\d*)?\s*$/.test(text);
}

/** The rule per amount: its own message for each way an amount can be wrong. */
function amountProblem(text, mg, { allowZero = false, max }) {
  if (mg == null) return isNegativeNumber(text) ? (allowZero ? 'validation.amountNegative' : 'validation.amountPositive') : 'validation.amountNumber';
  if (!allowZero && mg <= 0) return 'validation.amountPositive';
  if (mg > max) return 'validation.amountTooLarge';
  return null;
}

/**
 * @param {object} input
 * @param {number} input.deviceId
 * @param {number} input.frascoCount  number of frascos on the device
 * @param {{frascoIndex: string|number, grams: string}[]} input.items  rows in form order
 * @returns {{ok: true, body: {device_id: number, items: {frasco_index: number, amount_mg: number}[]}}
 *         | {ok: false, formError: string|null, fields: Record<string, string>}}
 */
export function validateJobForm({ deviceId, frascoCount, items }) {
  const fields = {};
  let formError = null;

  if (!Number.isInteger(deviceId) || deviceId <= 0) formError = 'validation.deviceRequired';
  const rows = Array.isArray(items) ? items : [];
  if (rows.length < 1) formError = formError ?? 'validation.itemsMin';
  if (rows.length > MAX_JOB_ITEMS) formError = formError ?? 'validation.itemsMax';

  const body = { device_id: deviceId, items: [] };
  rows.forEach((row, i) => {
    const index = typeof row.frascoIndex === 'string' && row.frascoIndex.trim() !== ''
      ? Number(row.frascoIndex)
      : row.frascoIndex;
    if (!Number.isInteger(index) || index < 0 || index >= frascoCount) {
      fields[`items[${i}].frasco_index`] = 'validation.frascoRange';
    }
    const mg = parseGramsToMg(row.grams);
    const problem = amountProblem(row.grams, mg, { max: MAX_ITEM_MG });
    if (problem) fields[`items[${i}].amount_mg`] = problem;
    body.items.push({ frasco_index: index, amount_mg: mg });
  });

  if (formError || Object.keys(fields).length > 0) {
    return { ok: false, formError: formError ?? 'validation.fixFields', fields };
  }
  return { ok: true, body };
}

/** Validation of a single grams field (refill, adjust, capacity). */
export function validateGrams(text, { allowZero = false, allowEmpty = false } = {}) {
  if (allowEmpty && (text == null || String(text).trim() === '')) return { ok: true, mg: null };
  const mg = parseGramsToMg(text);
  const problem = amountProblem(typeof text === 'number' ? String(text) : text, mg, { allowZero, max: 1_000_000_000 });
  return problem ? { ok: false, error: problem } : { ok: true, mg };
}

/**
 * The server's email rule, character for character (AccountService.isPlausibleEmail):
 * exactly one "@", something before it, a dot after it, no white space, at most 254 characters.
 */
export function isPlausibleEmail(email) {
  if (typeof email !== 'string') return false;
  const parts = email.split('@');
  return parts.length === 2 && parts[0] !== '' && parts[1].includes('.') && [...email].length <= 254 && !/\s/u.test(email);
}

/** The sign-up form: the same rules the server enforces, said earlier. */
export function validateCredentials({ email, password }, { register = false } = {}) {
  const fields = {};
  if (!isPlausibleEmail(typeof email === 'string' ? email.trim() : email)) fields.email = 'validation.email';
  if (typeof password !== 'string' || password.length === 0) fields.password = 'validation.passwordRequired';
  else if (register && [...password].length < 10) fields.password = 'validation.passwordShort';
  else if (register && new TextEncoder().encode(password).length > 1024) fields.password = 'validation.passwordLong';
  return Object.keys(fields).length ? { ok: false, fields } : { ok: true };
}

/** Device creation: a name and 1..16 frascos. */
export function validateNewDevice({ name, frascos }) {
  const fields = {};
  if (typeof name !== 'string' || name.trim() === '') fields.name = 'validation.nameRequired';
  const n = Number(frascos);
  if (!Number.isInteger(n) || n < 1 || n > 16) fields.frascos = 'validation.frascosRange';
  return Object.keys(fields).length ? { ok: false, fields } : { ok: true, body: { name: name.trim(), frascos: n } };
}
