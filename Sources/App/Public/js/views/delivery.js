// The mark of a job the server handed to its device more than once
// (`delivery` > 1): the device may have rebooted or lost its record of the
// job, so a person may need to check what really dispensed and recount stock.

import { badge } from '../ui/dom.js';

/** A warning badge for a re-delivered job, or null for a job delivered at most once. */
export function redeliveredBadge(t, job) {
  if (!(job.delivery > 1)) return null;
  return badge('warn', 'warn', t('job.redelivered', { n: job.delivery }), {
    'data-testid': `job-${job.id}-redelivered`,
    title: t('job.redeliveredHint'),
  });
}
