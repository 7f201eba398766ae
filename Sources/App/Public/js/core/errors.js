// Server errors in the person's language and units. The server's `message`
// and `fields` texts are English for people reading raw responses; the UI
// never shows them: it renders the stable `code` and each field's
// `field_codes` entry (code + values) from its own catalogue (messages.js).
// docs/api.md lists every code; Tests/ui/errors.test.mjs walks that list.

import { formatMg } from './format.js';

/** Top-level codes the server may answer with (docs/api.md), plus the client's own. */
export const ERROR_CODES = Object.freeze([
  'bad_request', 'malformed_json', 'bad_handshake', 'unauthorized', 'forbidden_origin', 'not_found',
  'method_not_allowed', 'request_timeout', 'email_taken', 'idempotency_key_reused', 'job_not_pending',
  'job_cancelled', 'job_not_started', 'job_finished', 'report_conflict', 'device_busy', 'not_implemented', 'body_too_large', 'uri_too_long',
  'unsupported_media_type', 'expectation_failed', 'invalid_fields', 'upgrade_required', 'rate_limited',
  'headers_too_large', 'internal_error', 'shutting_down', 'http_version_not_supported',
  'range_not_satisfiable', 'firmware_version_exists', 'firmware_in_use', 'rollout_not_active',
  'job_expired', 'job_not_running', 'busy', 'storage_full', 'storage_unavailable', 'too_many_webhooks', 'low_stock',
  // client-side: no answer at all, or an answer that is not JSON
  'network', 'bad_response',
]);

/** Every `field_codes` code (docs/api.md, "Field codes"). */
export const FIELD_CODES = Object.freeze([
  'required', 'not_null', 'unknown_field', 'invalid_value', 'type_integer', 'type_string', 'type_boolean',
  'type_number', 'type_array', 'type_object', 'integer_in_range', 'timestamp', 'positive_id', 'not_one_of',
  'out_of_range', 'at_least', 'at_most', 'length', 'min_length', 'max_length', 'max_bytes', 'min_items',
  'max_items', 'email', 'exceeds_capacity', 'above_capacity', 'below_stock', 'no_such_position',
  'repeated_position', 'frasco_mismatch', 'control_characters', 'no_nul',
]);

/** Device error texts the server itself writes (simulator, missing report), translated. */
const DEVICE_ERRORS = { 'simulated failure': 'deviceError.simulated', 'not reported': 'deviceError.notReported' };

/** A device's error text: ours translated, the firmware's own shown as it is. */
export function deviceErrorText(t, text) {
  return DEVICE_ERRORS[text] ? t(DEVICE_ERRORS[text]) : text;
}

/** The values of a field code, ready for the message: amounts in grams in the person's format. */
function values(path, entry, lang) {
  const inMg = /_mg$/.test(path);
  const out = {};
  for (const [k, v] of Object.entries(entry)) {
    if (k === 'code') continue;
    if (k.endsWith('_mg') || (inMg && (k === 'min' || k === 'max'))) out[k] = formatMg(v, lang);
    else if (k === 'frasco_index') out[k] = v + 1; // people count bottles from 1
    else if (k === 'position') out[k] = v + 1;
    else out[k] = v;
  }
  return out;
}

/**
 * The text for one field's problem.
 * @param {(key: string, params?: object) => string} t
 * @param {string} lang
 * @param {string} path   e.g. `items[2].amount_mg`
 * @param {{code: string}} entry  the `field_codes` entry
 */
export function fieldMessage(t, lang, path, entry) {
  const code = entry?.code;
  if (code === 'at_least' && entry.min === 1) return t('field.at_least.positive');
  if (code === 'at_least' && entry.min === 0) return t('field.at_least.zero');
  if (FIELD_CODES.includes(code)) return t(`field.${code}`, values(path, entry, lang));
  return t('field.invalid_value');
}

/** Field path → translated text, for every field the server named. */
export function fieldMessages(t, lang, err) {
  const out = {};
  const codes = err?.fieldCodes ?? {};
  for (const path of new Set([...Object.keys(err?.fields ?? {}), ...Object.keys(codes)])) {
    out[path] = fieldMessage(t, lang, path, codes[path] ?? { code: 'invalid_value' });
  }
  return out;
}

/** The form-level text of an ApiError. */
export function errorMessage(t, err) {
  if (!err) return '';
  if (err.status === 429 || err.code === 'rate_limited') return t('error.code.rate_limited', { seconds: err.retryAfter ?? '?' });
  if (ERROR_CODES.includes(err.code)) return t(`error.code.${err.code}`);
  return t('error.generic');
}
