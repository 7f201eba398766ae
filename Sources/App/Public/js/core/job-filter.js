// The job history's date range and search, on jobs already loaded. Pure.

/** Local calendar day of an RFC 3339 time, "YYYY-MM-DD" (what <input type=date> gives). */
export function localDay(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/**
 * Whether a job passes the filter.
 * @param {{id: number, created_at: string}} job
 * @param {{from?: string, to?: string, search?: string}} filter  from/to inclusive days; search: words, all must match
 * @param {{deviceName?: string, ingredients?: string[]}} context  what the words may match besides the job number
 */
export function jobMatches(job, { from = '', to = '', search = '' } = {}, { deviceName = '', ingredients = [] } = {}) {
  const day = localDay(job.created_at);
  if (from && day < from) return false;
  if (to && day > to) return false;
  const words = search.trim().toLocaleLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return true;
  const haystack = [`#${job.id}`, String(job.id), deviceName, ...ingredients].join(' ').toLocaleLowerCase();
  return words.every((w) => haystack.includes(w));
}
