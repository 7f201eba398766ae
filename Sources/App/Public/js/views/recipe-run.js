// "Run a recipe" on the device page: choose a recipe and servings, then
// Executar (or Simular with the server's simulator). The server maps each
// ingredient to the frasco of that name; a shortage comes back as a warning.

import { h, icon, mount, clearErrors, showApiError, formErrorBox, errorText } from '../ui/dom.js';
import { JobExecutionMonitor } from '../job-execution-monitor.js';

export function createRecipeRunner(ctx, getDevice, { onJobCreated, onMonitorClosed }) {
  const { t } = ctx;
  const select = h('select', { id: 'recipe-run-select', 'data-testid': 'recipe-run-select', 'data-field': 'recipe_id', 'aria-describedby': 'recipe-run-select-error' });
  const servings = h('input', { id: 'recipe-run-servings', 'data-testid': 'recipe-run-servings', 'data-field': 'servings', type: 'number', min: 1, max: 100, value: '1', 'aria-describedby': 'recipe-run-servings-error' });
  const runBtn = h('button', { type: 'submit', class: 'btn primary', id: 'recipe-run', 'data-testid': 'recipe-run', value: 'run' }, icon('play'), t('jobForm.run'));
  const simBtn = h('button', { type: 'submit', class: 'btn', id: 'recipe-simulate', 'data-testid': 'recipe-simulate', value: 'simulate', hidden: true }, icon('flask'), t('jobForm.simulate'));
  const warnings = h('div', { class: 'monitor-notices', id: 'recipe-run-warnings', 'data-testid': 'recipe-run-warnings', 'aria-live': 'polite' });
  const form = h('form', { class: 'form', id: 'recipe-run-form', 'data-testid': 'recipe-run-form', novalidate: true },
    formErrorBox('recipe-run-error'),
    h('div', { class: 'row wrap' },
      h('div', { class: 'field' }, h('label', { for: 'recipe-run-select' }, t('recipes.choose')), select, h('small', { class: 'field-error', id: 'recipe-run-select-error' })),
      h('div', { class: 'field' }, h('label', { for: 'recipe-run-servings' }, t('recipes.servings')), servings, h('small', { class: 'field-error', id: 'recipe-run-servings-error' }))),
    warnings,
    h('div', { class: 'actions' }, runBtn, simBtn));

  ctx.api.listRecipes().then((recipes) => {
    mount(select, recipes.length ? recipes.map((r) => h('option', { value: String(r.id) }, r.name)) : h('option', { value: '' }, t('recipes.empty')));
    runBtn.disabled = !recipes.length;
  }).catch(() => {});
  simBtn.hidden = !ctx.simulatorAvailable();

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    mount(warnings);
    const simulate = e.submitter?.value === 'simulate';
    const device = getDevice();
    let created;
    try {
      created = await ctx.api.createJobWithWarnings({ device_id: device.id, recipe_id: Number(select.value), servings: Number(servings.value) || 1 });
    } catch (err) {
      showApiError(form, err, t);
      return;
    }
    mount(warnings, created.warnings.map((w) => h('p', { class: 'notice tone-warn', 'data-testid': 'recipe-run-warning' }, icon('warn'), t('recipes.shortage', { ingredient: w.ingredient, n: w.frasco_index + 1 }))));
    onJobCreated?.(created.job);
    const monitor = new JobExecutionMonitor({ api: ctx.api, i18n: ctx.i18n, jobId: created.job.id, device, onClosed: onMonitorClosed }).open();
    if (!simulate) return;
    await Promise.race([monitor.ready, new Promise((r) => setTimeout(r, 3000))]);
    try {
      await ctx.api.simulate({ jobId: created.job.id });
    } catch (err) {
      ctx.toast(`${t('sim.failed')}: ${errorText(err, t)}`, 'bad');
    }
  });
  return form;
}
