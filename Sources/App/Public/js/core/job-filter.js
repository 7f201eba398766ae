// The job history's date range (asked of the server) and search (on the jobs
// loaded so far). Pure.

/** Local calendar day of an RFC 3339 time, "YYYY-MM-DD" (what <input type=date> gives). */
export function localDay(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/**
 * The server's `created_from`/`created_before` for a range of the person's
 * local days ("YYYY-MM-DD", both inclusive, either may be empty).
 */
export function dayRange(from, to) {
  const start = (day) => {
    const [y, m, d] = day.split('-').map(Number);
    return new Date(y, m - 1, d);
  };
  const valid = (day) => /^\d{4}-\d{2}-\d{2}$/.test(day ?? '');
  const range = {};
  if (valid(from)) range.createdFrom = start(from).toISOString();
  if (valid(to)) {
    const next = start(to);
    next.setDate(next.getDate() + 1);
    range.createdBefore = next.toISOString();
  }
  return range;
}

/**
 * Whether a job matches the search: words, all of which must appear in its
 * number, its device's name or the device's ingredients.
 * @param {{id: number}} job
 * @param {{search?: string}} filter
 * @param {{deviceName?: string, ingredients?: string[]}} context
 */
export function jobMatches(job, { search = '' } = {}, { deviceName = '', ingredients = [] } = {}) {
  const words = search.trim().toLocaleLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return true;
  const haystack = [`#${job.id}`, String(job.id), deviceName, ...ingredients].join(' ').toLocaleLowerCase();
  return words.every((w) => haystack.includes(w));
}
