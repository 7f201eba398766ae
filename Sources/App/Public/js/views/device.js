// A device: frascos with stock bars (refill, edit, adjust), the new-job form,
// its jobs and its stock movements. Live through /ws/devices/{id}.

import { formatMg, formatDateTime, stockRatio, stockLevel } from '../core/format.js';
import { href } from '../core/routes.js';
import { h, icon, mount, errorText } from '../ui/dom.js';
import { confirmDialog } from '../ui/dialog.js';
import { ReconnectingSocket, wsUrl } from '../ui/reconnecting-socket.js';
import { JobExecutionMonitor } from '../job-execution-monitor.js';
import { presenceBadge, lastSeen, showDeviceToken, jobRow } from './common.js';
import { movementNote } from '../core/stock.js';
import { refillDialog, editDialog, adjustDialog } from './frasco-dialogs.js';
import { createJobForm } from './job-form-view.js';
import { createRecipeRunner } from './recipe-run.js';
import { rerunFailedButton } from './job-rerun.js';
import { abortButton } from './job-abort.js';
import { lowStockDialog } from './low-stock-dialog.js';
import { telemetrySection } from './telemetry-chart.js';
import { deviceAdminButtons } from './device-admin.js';

const MOVEMENTS_PAGE = 20;
const JOBS_SHOWN = 10;

export async function renderDevice(ctx, route, main) {
  const { t } = ctx;
  const id = route.params.id;
  let device;
  try {
    device = await ctx.api.getDevice(id);
  } catch (err) {
    mount(main, h('h1', { tabindex: '-1' }, t(err.status === 404 ? 'device.notFound' : 'error.generic')),
      h('p', { class: 'notice tone-bad', role: 'alert' }, errorText(err, t)),
      h('p', {}, h('a', { href: href('devices') }, t('nav.devices'))));
    return null;
  }

  const head = h('div', { class: 'page-head device-head', id: 'device-head' });
  const frascosEl = h('ul', { class: 'frascos', id: 'frascos', 'data-testid': 'frascos' });
  const jobsEl = h('ul', { class: 'job-list', id: 'device-jobs', 'data-testid': 'device-jobs' });
  const movementsBody = h('tbody', { id: 'movements-body', 'data-testid': 'movements' });
  // Stock history of one bottle or all (the server filters, so paging stays right).
  const movementFilter = h('select', { id: 'movements-filter', 'data-testid': 'movements-filter', onchange: () => loadMovements(false) },
    h('option', { value: '' }, t('movements.allFrascos')),
    device.frascos.map((f) => h('option', { value: String(f.index) }, t('frasco.label', { n: f.index + 1 }))));
  const moreBtn = h('button', { type: 'button', class: 'btn', id: 'movements-more', 'data-testid': 'movements-more', hidden: true, onclick: () => loadMovements(true) }, t('action.loadMore'));
  const liveEl = h('span', { class: 'live muted', id: 'device-live', 'data-testid': 'device-live' });

  const refresh = async () => {
    try { apply(await ctx.api.getDevice(id)); } catch { /* the live feed or the next action will tell */ }
    loadJobs();
    loadMovements(false);
  };
  const jobForm = createJobForm(ctx, device, { onJobCreated: () => loadJobs(), onMonitorClosed: refresh, onJobChanged: () => loadJobs() });

  mount(main,
    head,
    h('section', { 'aria-labelledby': 'frascos-title' },
      h('h2', { id: 'frascos-title' }, t('device.frascosTitle')), frascosEl),
    h('section', { class: 'card', 'aria-labelledby': 'job-form-title' },
      h('h2', { id: 'job-form-title' }, t('jobForm.title')), jobForm.el),
    h('section', { class: 'card', 'aria-labelledby': 'recipe-run-title' },
      h('h2', { id: 'recipe-run-title' }, t('recipes.runTitle')),
      createRecipeRunner(ctx, () => device, { onJobCreated: () => loadJobs(), onMonitorClosed: refresh })),
    h('section', { 'aria-labelledby': 'device-jobs-title' },
      h('div', { class: 'section-head' },
        h('h2', { id: 'device-jobs-title', tabindex: '-1' }, t('device.jobsTitle')),
        h('a', { href: href('jobs', {}, { device: id }), id: 'device-jobs-all' }, t('device.allJobs')),
        h('a', { href: href('deviceFirmware', { id }), id: 'device-firmware', 'data-testid': 'device-firmware' }, t('firmware.link'))),
      jobsEl),
    telemetrySection(ctx, id),
    h('section', { 'aria-labelledby': 'movements-title' },
      h('div', { class: 'section-head' },
        h('h2', { id: 'movements-title' }, t('device.movementsTitle')),
        h('div', { class: 'field inline' }, h('label', { for: 'movements-filter' }, t('movements.filter')), movementFilter)),
      h('div', { class: 'table-wrap' },
        h('table', { class: 'movements' },
          h('thead', {}, h('tr', {},
            h('th', { scope: 'col' }, t('movement.at')),
            h('th', { scope: 'col' }, t('movement.frasco')),
            h('th', { scope: 'col', class: 'num' }, t('movement.delta')),
            h('th', { scope: 'col' }, t('movement.reason')),
            h('th', { scope: 'col' }, t('movement.job')),
            h('th', { scope: 'col' }, t('movement.note')))),
          movementsBody)),
      moreBtn));

  function renderHead() {
    const { i18n } = ctx;
    mount(head,
      h('div', {},
        h('p', { class: 'crumbs' }, h('a', { href: href('devices') }, t('nav.devices'))),
        h('h1', { tabindex: '-1', id: 'device-name', 'data-testid': 'device-name' }, device.name),
        h('div', { class: 'row wrap' },
          presenceBadge(t, device, { 'data-testid': 'device-online', id: 'device-online' }),
          h('span', { class: 'muted' }, `${t('device.firmware')}: `, h('span', { 'data-testid': 'device-fw' }, device.fw_version || '—')),
          h('span', { class: 'muted' }, `${t('device.lastSeen')}: `, lastSeen(t, i18n.lang, device, { 'data-testid': 'device-last-seen' })),
          liveEl)),
      h('div', { class: 'row wrap' },
        h('button', { type: 'button', class: 'btn', id: 'device-rotate-token', 'data-testid': 'device-rotate-token', onclick: rotateToken }, icon('refresh'), t('token.rotate')),
        deviceAdminButtons(ctx, device, { onRenamed: (d) => apply(d) })));
  }

  function frascoCard(f) {
    const { i18n } = ctx;
    const ratio = stockRatio(f.stock_mg, f.capacity_mg);
    const level = stockLevel(f.stock_mg, f.capacity_mg);
    const stockText = f.capacity_mg != null
      ? t('frasco.stockOf', { stock: formatMg(f.stock_mg, i18n.lang), capacity: formatMg(f.capacity_mg, i18n.lang) })
      : formatMg(f.stock_mg, i18n.lang);
    return h('li', { class: `frasco card level-${level}`, 'data-testid': `frasco-${f.index}`, 'data-index': f.index, 'data-stock-mg': f.stock_mg, 'data-capacity-mg': f.capacity_mg ?? '' },
      h('div', { class: 'frasco-head' },
        h('h3', {}, t('frasco.label', { n: f.index + 1 })),
        f.low_stock_mg != null && f.stock_mg < f.low_stock_mg && level !== 'empty' ? h('span', { class: 'badge tone-warn', 'data-testid': `frasco-${f.index}-below-alert` }, icon('warn'), t('lowStock.below')) : null,
        level === 'low' || level === 'empty' ? h('span', { class: `badge tone-${level === 'empty' ? 'bad' : 'warn'}` }, icon('warn'), t(`stock.${level}`)) : null),
      h('p', { class: 'ingredient', 'data-testid': `frasco-${f.index}-ingredient` }, f.ingredient || h('span', { class: 'muted' }, t('frasco.noIngredient'))),
      h('div', {
        class: 'stock-bar', role: 'meter', 'aria-label': t('frasco.stock'), 'aria-valuemin': 0,
        'aria-valuemax': f.capacity_mg ?? Math.max(f.stock_mg, 1), 'aria-valuenow': f.stock_mg, 'aria-valuetext': stockText,
        'data-capacity': f.capacity_mg == null ? 'none' : 'set',
      }, ratio == null ? null : h('div', { class: 'fill', style: `width: ${Math.round(ratio * 100)}%` })),
      h('p', { class: 'stock-text', 'data-testid': `frasco-${f.index}-stock` }, stockText,
        f.capacity_mg == null ? h('span', { class: 'muted' }, ` · ${t('stock.noCapacity')}`) : null),
      h('div', { class: 'frasco-actions' },
        h('button', { type: 'button', class: 'btn small primary', id: `frasco-${f.index}-refill`, 'data-testid': `frasco-${f.index}-refill`, onclick: () => refillDialog(ctx, device, f, onFrasco) }, t('frasco.refill')),
        h('button', { type: 'button', class: 'btn small', id: `frasco-${f.index}-edit`, 'data-testid': `frasco-${f.index}-edit`, onclick: () => editDialog(ctx, device, f, onFrasco) }, t('frasco.edit')),
        h('button', { type: 'button', class: 'btn small', id: `frasco-${f.index}-adjust`, 'data-testid': `frasco-${f.index}-adjust`, onclick: () => adjustDialog(ctx, device, f, onFrasco) }, t('frasco.adjust')),
        h('button', { type: 'button', class: 'btn small', id: `frasco-${f.index}-low-stock`, 'data-testid': `frasco-${f.index}-low-stock`, 'data-low-stock-mg': f.low_stock_mg ?? '', onclick: () => lowStockDialog(ctx, device, f, onFrasco) }, f.low_stock_mg != null ? t('lowStock.button', { amount: formatMg(f.low_stock_mg, i18n.lang) }) : t('lowStock.set'))));
  }

  function renderFrascos() { mount(frascosEl, device.frascos.map(frascoCard)); }

  function onFrasco(frasco) {
    apply({ ...device, frascos: device.frascos.map((f) => (f.index === frasco.index ? frasco : f)) });
    loadMovements(false);
  }

  /** Takes a fresher device (action answer, live feed, reload) and re-renders what changed. */
  function apply(next) {
    const stockChanged = JSON.stringify(next.frascos) !== JSON.stringify(device.frascos);
    const headChanged = next.online !== device.online || next.simulating !== device.simulating || next.fw_version !== device.fw_version || next.name !== device.name || next.last_seen_at !== device.last_seen_at;
    device = next;
    if (headChanged) {
      const hadFocus = head.contains(document.activeElement) ? document.activeElement.id : null;
      renderHead();
      if (hadFocus) document.getElementById(hadFocus)?.focus();
    }
    if (stockChanged) {
      const focused = frascosEl.contains(document.activeElement) ? document.activeElement.id : null;
      renderFrascos();
      if (focused) document.getElementById(focused)?.focus();
      jobForm.updateDevice(device);
    }
    return stockChanged;
  }

  async function rotateToken() {
    const ok = await confirmDialog({ t, title: t('token.rotate'), text: t('token.rotateDisconnects'), confirmLabel: t('token.rotate'), testid: 'rotate-confirm', danger: true });
    if (!ok) return;
    try {
      showDeviceToken(ctx, await ctx.api.rotateDeviceToken(id));
    } catch (err) {
      ctx.toast(errorText(err, t), 'bad');
    }
  }

  let jobsTicket = 0;
  async function loadJobs() {
    const ticket = ++jobsTicket;
    try {
      const jobs = await ctx.api.listJobs({ deviceId: id, limit: JOBS_SHOWN });
      if (ticket !== jobsTicket) return;
      const focused = jobsEl.contains(document.activeElement) ? document.activeElement.id : null;
      mount(jobsEl, jobs.length ? jobs.map((j) => jobRow(ctx, j, { actions: jobActions })) : h('li', { class: 'empty muted' }, t('jobs.empty')));
      // A cancelled job loses its Cancel button: focus moves to the same row's Watch.
      if (focused) (document.getElementById(focused) ?? document.getElementById(focused.replace(/-cancel$/, '-watch')) ?? document.getElementById('device-jobs-title'))?.focus();
    } catch (err) {
      mount(jobsEl, h('li', { class: 'notice tone-bad' }, errorText(err, t)));
    }
  }

  function jobActions(job) {
    const watch = h('button', { type: 'button', class: 'btn small', id: `job-${job.id}-watch`, 'data-testid': `job-${job.id}-watch`, onclick: () => new JobExecutionMonitor({ api: ctx.api, i18n: ctx.i18n, jobId: job.id, device, onClosed: refresh, onStatus: () => loadJobs() }).open() }, t('job.watch'));
    if (job.status === 'running') return [watch, abortButton(ctx, job, loadJobs)];
    if (job.status !== 'pending') return [watch, rerunFailedButton(ctx, job, { device, after: refresh })];
    const cancel = h('button', {
      type: 'button', class: 'btn small danger', id: `job-${job.id}-cancel`, 'data-testid': `job-${job.id}-cancel`,
      onclick: async () => {
        try { await ctx.api.cancelJob(job.id); } catch (err) { ctx.toast(errorText(err, t), 'bad'); }
        loadJobs();
      },
    }, t('job.cancel'));
    return [watch, cancel];
  }

  let oldestMovement = null;
  // Reloads overlap (an action, the live feed, the filter): only the newest answer may draw.
  let movementsTicket = 0;
  async function loadMovements(more) {
    const ticket = ++movementsTicket;
    try {
      const frascoIndex = movementFilter.value === '' ? undefined : Number(movementFilter.value);
      const page = await ctx.api.movements(id, { limit: MOVEMENTS_PAGE, before: more ? oldestMovement : undefined, frascoIndex });
      if (ticket !== movementsTicket) return;
      if (!more) movementsBody.replaceChildren();
      if (!more && page.length === 0) movementsBody.append(h('tr', {}, h('td', { colspan: 6, class: 'muted' }, t('movements.empty'))));
      for (const m of page) movementsBody.append(movementRow(m));
      if (page.length) oldestMovement = page.at(-1).id;
      moreBtn.hidden = page.length < MOVEMENTS_PAGE;
    } catch (err) {
      ctx.toast(errorText(err, t), 'bad');
    }
  }

  function movementRow(m) {
    const { i18n } = ctx;
    const tone = m.delta_mg > 0 ? 'ok' : m.delta_mg < 0 ? 'bad' : 'neutral';
    return h('tr', { 'data-testid': `movement-${m.id}`, 'data-reason': m.reason, 'data-delta-mg': m.delta_mg },
      h('td', {}, h('time', { datetime: m.at }, formatDateTime(m.at, i18n.lang))),
      h('td', {}, t('frasco.label', { n: m.frasco_index + 1 })),
      h('td', { class: `num tone-text-${tone}` }, formatMg(m.delta_mg, i18n.lang, { signed: true })),
      h('td', {}, t(`reason.${m.reason}`)),
      h('td', {}, m.job_id ? h('a', { href: href('job', { id: m.job_id }) }, t('job.number', { id: m.job_id })) : '—'),
      h('td', { class: 'note', 'data-testid': `movement-${m.id}-note` }, movementNote(ctx.t, i18n.lang, m) ?? '—'));
  }

  renderHead();
  renderFrascos();
  loadJobs();
  loadMovements(false);

  const live = new ReconnectingSocket(wsUrl(`/ws/devices/${id}`), {
    onMessage: (msg) => {
      if (msg.type !== 'device' || !msg.device || msg.device.id !== id) return;
      if (apply(msg.device)) { loadMovements(false); loadJobs(); }
    },
    onState: (s) => {
      liveEl.dataset.state = s;
      liveEl.textContent = s === 'open' ? `● ${t('live.on')}` : s === 'closed' ? '' : `○ ${t('live.reconnecting')}`;
    },
  }).start();
  return () => live.stop();
}
