// The "abort" action of a running job: the server records the request, the
// device hears it on its next progress post or heartbeat and stops before its
// next item; the job then ends through its normal report.

import { h } from '../ui/dom.js';
import { errorText } from '../ui/dom.js';

export function abortButton(ctx, job, after) {
  const { t } = ctx;
  return h('button', {
    type: 'button', class: 'btn small danger', 'data-testid': `job-${job.id}-abort`, disabled: job.abort_requested,
    onclick: async () => {
      try {
        await ctx.api.abortJob(job.id);
        ctx.toast(t('job.abortRequested'), 'warn');
      } catch (err) {
        ctx.toast(errorText(err, t), 'bad');
      }
      after?.();
    },
  }, t('job.abort'));
}
