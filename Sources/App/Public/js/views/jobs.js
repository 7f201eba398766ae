// Job history with filters by device and status, paged with `before`.
// #/jobs/{id} shows the same list and opens that job's monitor.

import { href } from '../core/routes.js';
import { h, mount, errorText } from '../ui/dom.js';
import { JobExecutionMonitor } from '../job-execution-monitor.js';
import { jobRow } from './common.js';
import { jobMatches, dayRange } from '../core/job-filter.js';
import { abortButton } from './job-abort.js';
import { rerunFailedButton } from './job-rerun.js';
import { jobSettingsForm } from './job-settings.js';

const PAGE = 25;
const STATUSES = ['pending', 'running', 'done', 'done_partial', 'failed', 'cancelled', 'expired'];

export async function renderJobs(ctx, route, main) {
  const { t } = ctx;
  const deviceId = Number(route.query.device) || undefined;
  const status = STATUSES.includes(route.query.status) ? route.query.status : undefined;
  const stale = route.query.stale === 'true';

  let devices = [];
  try { devices = await ctx.api.listDevices(); } catch { /* names are a nicety */ }
  const names = new Map(devices.map((d) => [d.id, d.name]));

  const deviceSel = h('select', { id: 'job-filter-device', 'data-testid': 'job-filter-device' },
    h('option', { value: '' }, t('jobs.allDevices')),
    devices.map((d) => h('option', { value: String(d.id), selected: d.id === deviceId }, d.name)));
  const statusSel = h('select', { id: 'job-filter-status', 'data-testid': 'job-filter-status' },
    h('option', { value: '' }, t('jobs.allStatuses')),
    STATUSES.map((s) => h('option', { value: s, selected: s === status }, t(`jobStatus.${s}`))));
  const staleBox = h('input', { type: 'checkbox', id: 'job-filter-stale', 'data-testid': 'job-filter-stale', checked: stale });
  const applyFilters = () => ctx.navigate('jobs', {}, { device: deviceSel.value, status: statusSel.value, stale: staleBox.checked ? 'true' : '' });
  staleBox.addEventListener('change', applyFilters);
  deviceSel.addEventListener('change', applyFilters);
  statusSel.addEventListener('change', applyFilters);

  // The server filters device, status and dates; the search narrows the jobs
  // loaded so far ("load more" fetches older pages, searched the same way).
  const fromInput = h('input', { type: 'date', id: 'job-filter-from', 'data-testid': 'job-filter-from', value: route.query.from ?? '' });
  const toInput = h('input', { type: 'date', id: 'job-filter-to', 'data-testid': 'job-filter-to', value: route.query.to ?? '' });
  const searchInput = h('input', { type: 'search', id: 'job-filter-search', 'data-testid': 'job-filter-search', value: route.query.q ?? '', autocomplete: 'off', 'aria-describedby': 'job-filter-search-hint' });
  searchInput.addEventListener('input', () => renderList());
  for (const input of [fromInput, toInput]) input.addEventListener('change', () => load(false));
  const list = h('ul', { class: 'job-list', id: 'job-list', 'data-testid': 'job-list' });
  const more = h('button', { type: 'button', class: 'btn', id: 'jobs-more', 'data-testid': 'jobs-more', hidden: true, onclick: () => load(true) }, t('action.loadMore'));

  mount(main,
    h('div', { class: 'page-head' }, h('h1', { tabindex: '-1' }, t('jobs.title'))),
    h('form', { class: 'filters card', role: 'search', 'aria-label': t('jobs.filters'), onsubmit: (e) => { e.preventDefault(); applyFilters(); } },
      h('div', { class: 'field' }, h('label', { for: 'job-filter-device' }, t('jobs.device')), deviceSel),
      h('div', { class: 'field' }, h('label', { for: 'job-filter-status' }, t('jobs.status')), statusSel),
      h('div', { class: 'field' }, h('label', { for: 'job-filter-from' }, t('jobs.from')), fromInput),
      h('div', { class: 'field' }, h('label', { for: 'job-filter-to' }, t('jobs.to')), toInput),
      h('div', { class: 'field field-search' }, h('label', { for: 'job-filter-search' }, t('jobs.search')), searchInput,
        h('small', { class: 'hint', id: 'job-filter-search-hint' }, t('jobs.searchHint'))),
      h('label', { class: 'check' }, staleBox, t('jobs.staleOnly')),
      h('a', { class: 'btn small', href: `/jobs.csv${deviceId ? `?device_id=${deviceId}` : ''}`, download: '', 'data-testid': 'jobs-csv' }, t('jobs.csv'))),
    list, more, jobSettingsForm(ctx));

  let oldest;
  let loaded = [];
  const ingredients = new Map(devices.map((d) => [d.id, d.frascos.map((f) => f.ingredient).filter(Boolean)]));
  // Loads overlap (a date change, a live status change): only the newest answer may draw.
  let ticket = 0;
  async function load(next) {
    const mine = ++ticket;
    try {
      const jobs = await ctx.api.listJobs({ deviceId, status, stale: stale || undefined, limit: PAGE, before: next ? oldest : undefined, ...dayRange(fromInput.value, toInput.value) });
      if (mine !== ticket) return;
      loaded = next ? [...loaded, ...jobs] : jobs;
      if (jobs.length) oldest = jobs.at(-1).id;
      more.hidden = jobs.length < PAGE;
      renderList();
    } catch (err) {
      mount(list, h('li', { class: 'notice tone-bad', role: 'alert' }, errorText(err, t)));
    }
  }

  function renderList() {
    const focused = list.contains(document.activeElement) ? document.activeElement.id : null;
    const filter = { search: searchInput.value };
    const shown = loaded.filter((j) => jobMatches(j, filter, { deviceName: names.get(j.device_id) ?? '', ingredients: ingredients.get(j.device_id) ?? [] }));
    mount(list, shown.length
      ? shown.map((j) => jobRow(ctx, j, { deviceName: names.get(j.device_id) ?? `#${j.device_id}`, actions: actionsFor }))
      : h('li', { class: 'empty muted', 'data-testid': 'jobs-empty' }, t(loaded.length ? 'jobs.noMatch' : 'jobs.empty')));
    if (focused) (document.getElementById(focused) ?? document.getElementById(focused.replace(/-cancel$/, '-watch')) ?? document.querySelector('main h1'))?.focus();
  }

  function watch(job) {
    const device = devices.find((d) => d.id === job.device_id) ?? null;
    new JobExecutionMonitor({ api: ctx.api, i18n: ctx.i18n, jobId: job.id, device, onClosed: () => load(false), onStatus: () => load(false) }).open();
  }

  function actionsFor(job) {
    const w = h('button', { type: 'button', class: 'btn small', id: `job-${job.id}-watch`, 'data-testid': `job-${job.id}-watch`, onclick: () => watch(job) }, t('job.watch'));
    if (job.status === 'running') return [w, abortButton(ctx, job, () => load(false))];
    const device = devices.find((d) => d.id === job.device_id) ?? null;
    if (job.status !== 'pending') return [w, rerunFailedButton(ctx, job, { device, after: () => load(false) })];
    return [w, h('button', {
      type: 'button', class: 'btn small danger', id: `job-${job.id}-cancel`, 'data-testid': `job-${job.id}-cancel`,
      onclick: async () => {
        try { await ctx.api.cancelJob(job.id); } catch (err) { ctx.toast(errorText(err, t), 'bad'); }
        load(false);
      },
    }, t('job.cancel'))];
  }

  await load(false);
  if (route.name === 'job') {
    // The monitor of one job, over its history; closing it returns to the list's address.
    new JobExecutionMonitor({
      api: ctx.api, i18n: ctx.i18n, jobId: route.params.id, device: null, onStatus: () => load(false),
      onClosed: () => { if (location.hash === href('job', { id: route.params.id })) history.replaceState(null, '', href('jobs')); load(false); },
    }).open();
  }
  return null;
}
