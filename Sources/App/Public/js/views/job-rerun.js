// "Re-run the failed bottles" of a finished job: a new job of only the items
// that failed, same frascos and amounts.

import { h, errorText } from '../ui/dom.js';
import { JobExecutionMonitor } from '../job-execution-monitor.js';

export function rerunFailedButton(ctx, job, { device = null, after } = {}) {
  const { t } = ctx;
  const failed = job.items.filter((it) => it.status === 'failed');
  if (!failed.length || !['done_partial', 'failed'].includes(job.status)) return null;
  return h('button', {
    type: 'button', class: 'btn small', 'data-testid': `job-${job.id}-rerun`,
    onclick: async () => {
      try {
        const created = await ctx.api.createJob({ device_id: job.device_id, items: failed.map((it) => ({ frasco_index: it.frasco_index, amount_mg: it.amount_mg })) });
        after?.(created);
        new JobExecutionMonitor({ api: ctx.api, i18n: ctx.i18n, jobId: created.id, device, onClosed: after }).open();
      } catch (err) {
        ctx.toast(errorText(err, t), 'bad');
      }
    },
  }, t('job.rerunFailed'));
}
