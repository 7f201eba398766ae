// The new-job form of a device: frascos and grams, "Executar", and — when the
// server runs its simulator — "Simular" with delay, failing frascos and a Wi-Fi drop.

import { validateJobForm, MAX_JOB_ITEMS } from '../core/job-form.js';
import { formatMg, parseGramsToMg } from '../core/format.js';
import { stockShortfalls } from '../core/stock.js';
import { h, icon, mount, clearErrors, showErrors, showApiError, formErrorBox, errorText } from '../ui/dom.js';
import { JobExecutionMonitor } from '../job-execution-monitor.js';

const SNAPSHOT_WAIT_MS = 3000;

function newKey() {
  return globalThis.crypto?.randomUUID?.() ?? `${Date.now()}-${Math.random().toString(16).slice(2)}`;
}

/**
 * @returns {{el: HTMLElement, updateDevice(device): void}}
 */
export function createJobForm(ctx, initialDevice, { onJobCreated, onMonitorClosed, onJobChanged }) {
  const { t, i18n } = ctx;
  let device = initialDevice;
  // A half-filled form survives a re-render (e.g. a language switch): it lives in ctx.drafts.
  const draftKey = `job-form-${device.id}`;
  let rows = ctx.drafts.get(draftKey)?.rows ?? [{ frascoIndex: '0', grams: '' }];
  let idempotency = { key: newKey(), body: null };

  const rowsEl = h('ol', { class: 'job-items', id: 'job-items', 'data-testid': 'job-items' });
  const addBtn = h('button', { type: 'button', class: 'btn', id: 'job-add-item', 'data-testid': 'job-add-item', onclick: addRow }, icon('plus'), t('jobForm.addItem'));
  const runBtn = h('button', { type: 'submit', class: 'btn primary', id: 'job-run', 'data-testid': 'job-run', value: 'run' }, icon('play'), t('jobForm.run'));
  const simBtn = h('button', { type: 'submit', class: 'btn', id: 'job-simulate', 'data-testid': 'job-simulate', value: 'simulate', hidden: true }, icon('flask'), t('jobForm.simulate'));
  // Minutes the order may wait for the device; empty: the account's default.
  const expiresInput = h('input', { id: 'job-expires-min', 'data-testid': 'job-expires-min', 'data-field': 'expires_in_s', type: 'number', min: 1, step: 1, inputmode: 'numeric', placeholder: t('jobForm.expiresDefault'), 'aria-describedby': 'job-expires-min-error' });
  const simBox = h('details', { class: 'sim-options', id: 'sim-options', 'data-testid': 'sim-options', hidden: true });
  // Warns, never blocks: the device decides what it can dispense, offline if need be.
  const stockWarning = h('div', { class: 'stock-warnings', id: 'job-stock-warning', 'data-testid': 'job-stock-warning', 'aria-live': 'polite' });
  const form = h('form', { class: 'form job-form', id: 'job-form', 'data-testid': 'job-form', novalidate: true },
    formErrorBox('job-form-error'),
    rowsEl,
    stockWarning,
    h('div', { class: 'row' }, addBtn),
    h('div', { class: 'field' }, h('label', { for: 'job-expires-min' }, t('jobForm.expiresMinutes')), expiresInput,
      h('small', { class: 'field-error', id: 'job-expires-min-error' })),
    simBox,
    h('div', { class: 'actions' }, runBtn, simBtn));

  function syncFromInputs() {
    rows = rows.map((r, i) => ({
      frascoIndex: form.querySelector(`#job-item-${i}-frasco`)?.value ?? r.frascoIndex,
      grams: form.querySelector(`#job-item-${i}-grams`)?.value ?? r.grams,
    }));
    ctx.drafts.set(draftKey, { rows, sim: readSimOptions() ?? ctx.drafts.get(draftKey)?.sim });
  }

  function renderStockWarning() {
    const items = rows.map((r) => ({ frasco_index: Number(r.frascoIndex), amount_mg: parseGramsToMg(r.grams) }));
    const short = stockShortfalls(device.frascos, items);
    mount(stockWarning, short.map((s) => h('p', { class: 'notice tone-warn', 'data-testid': `job-stock-warning-${s.frascoIndex}`, 'data-frasco': s.frascoIndex },
      icon('warn'), t('stock.warning', { asked: formatMg(s.askedMg, i18n.lang), n: s.frascoIndex + 1, stock: formatMg(s.stockMg, i18n.lang) }))));
  }

  function frascoOptions(selected) {
    return device.frascos.map((f) => h('option', { value: String(f.index), selected: String(f.index) === String(selected) },
      `${t('frasco.label', { n: f.index + 1 })}${f.ingredient ? ` · ${f.ingredient}` : ''} (${formatMg(f.stock_mg, i18n.lang)})`));
  }

  function renderRows() {
    mount(rowsEl, rows.map((r, i) => h('li', { class: 'job-item', 'data-testid': `job-item-${i}` },
      h('div', { class: 'field' },
        h('label', { for: `job-item-${i}-frasco` }, t('jobForm.frasco', { n: i + 1 })),
        h('select', { id: `job-item-${i}-frasco`, 'data-testid': `job-item-${i}-frasco`, 'data-field': `items[${i}].frasco_index`, 'aria-describedby': `job-item-${i}-frasco-error` }, frascoOptions(r.frascoIndex)),
        h('small', { class: 'field-error', id: `job-item-${i}-frasco-error` })),
      h('div', { class: 'field' },
        h('label', { for: `job-item-${i}-grams` }, t('jobForm.grams')),
        h('input', { id: `job-item-${i}-grams`, 'data-testid': `job-item-${i}-grams`, 'data-field': `items[${i}].amount_mg`, inputmode: 'decimal', autocomplete: 'off', value: r.grams, placeholder: '0', 'aria-describedby': `job-item-${i}-grams-error` }),
        h('small', { class: 'field-error', id: `job-item-${i}-grams-error` })),
      h('button', {
        type: 'button', class: 'icon-btn', 'aria-label': t('jobForm.removeItem', { n: i + 1 }), 'data-testid': `job-item-${i}-remove`,
        disabled: rows.length === 1, onclick: () => removeRow(i),
      }, icon('trash')))));
    addBtn.disabled = rows.length >= MAX_JOB_ITEMS;
    renderStockWarning();
  }

  function addRow() {
    syncFromInputs();
    if (rows.length >= MAX_JOB_ITEMS) return;
    const next = Math.min(device.frascos.length - 1, Number(rows.at(-1)?.frascoIndex ?? -1) + 1);
    rows.push({ frascoIndex: String(Math.max(0, next)), grams: '' });
    renderRows();
    form.querySelector(`#job-item-${rows.length - 1}-grams`)?.focus();
  }

  function removeRow(i) {
    syncFromInputs();
    rows.splice(i, 1);
    renderRows();
    form.querySelector(`#job-item-${Math.min(i, rows.length - 1)}-grams`)?.focus();
  }

  function renderSimOptions() {
    const keep = readSimOptions() ?? ctx.drafts.get(draftKey)?.sim;
    mount(simBox,
      h('summary', {}, t('sim.options')),
      h('div', { class: 'sim-grid' },
        h('div', { class: 'field' },
          h('label', { for: 'sim-delay-ms' }, t('sim.delay')),
          h('input', { id: 'sim-delay-ms', 'data-testid': 'sim-delay-ms', type: 'number', min: 0, max: 60000, step: 100, value: String(keep?.frascoDelayMs ?? 700) })),
        h('fieldset', { class: 'field' },
          h('legend', {}, t('sim.failFrascos')),
          h('div', { class: 'checks' }, device.frascos.map((f) => h('label', { class: 'check' },
            h('input', { type: 'checkbox', id: `sim-fail-${f.index}`, 'data-testid': `sim-fail-${f.index}`, value: String(f.index), checked: keep?.failFrascoIndices.includes(f.index) }),
            t('frasco.label', { n: f.index + 1 }))))),
        h('fieldset', { class: 'field' },
          h('legend', {}, t('sim.wifi')),
          h('label', { class: 'check' }, h('input', { type: 'checkbox', id: 'sim-wifi-drop', 'data-testid': 'sim-wifi-drop', checked: keep?.wifiDrop }), t('sim.wifiDrop')),
          h('label', { for: 'sim-drop-at' }, t('sim.dropAt')),
          h('select', { id: 'sim-drop-at', 'data-testid': 'sim-drop-at' }, device.frascos.map((f) => h('option', { value: String(f.index), selected: keep?.dropAtFrascoIndex === f.index }, t('frasco.label', { n: f.index + 1 })))),
          h('label', { for: 'sim-drop-seconds' }, t('sim.dropSeconds')),
          h('input', { id: 'sim-drop-seconds', 'data-testid': 'sim-drop-seconds', type: 'number', min: 1, max: 120, value: String(keep?.dropDurationSeconds ?? 5) }))));
  }

  function readSimOptions() {
    if (!simBox.querySelector('#sim-delay-ms')) return null;
    const num = (sel, dflt) => {
      const n = Number(simBox.querySelector(sel).value);
      return Number.isFinite(n) && n >= 0 ? Math.round(n) : dflt;
    };
    return {
      frascoDelayMs: num('#sim-delay-ms', 700),
      failFrascoIndices: [...simBox.querySelectorAll('input[id^="sim-fail-"]:checked')].map((c) => Number(c.value)),
      wifiDrop: simBox.querySelector('#sim-wifi-drop').checked,
      dropAtFrascoIndex: Number(simBox.querySelector('#sim-drop-at').value),
      dropDurationSeconds: num('#sim-drop-seconds', 5),
    };
  }

  function setSimulatorAvailable(yes) {
    simBtn.hidden = !yes;
    simBox.hidden = !yes;
    form.dataset.simulator = String(yes);
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const simulate = e.submitter?.value === 'simulate';
    clearErrors(form);
    syncFromInputs();
    const v = validateJobForm({ deviceId: device.id, frascoCount: device.frascos.length, items: rows });
    if (!v.ok) {
      showErrors(form, t(v.formError), Object.fromEntries(Object.entries(v.fields).map(([k, key]) => [k, t(key)])));
      return;
    }
    const minutes = Number(expiresInput.value);
    if (expiresInput.value !== '' && Number.isInteger(minutes) && minutes > 0) v.body.expires_in_s = minutes * 60;
    const bodyText = JSON.stringify(v.body);
    if (idempotency.body !== bodyText) idempotency = { key: newKey(), body: bodyText };
    const simOptions = simulate ? readSimOptions() : null;
    runBtn.disabled = simBtn.disabled = true;
    let job;
    try {
      job = await ctx.api.createJob(v.body, idempotency.key);
      idempotency = { key: newKey(), body: null };
    } catch (err) {
      // A network failure keeps the key: pressing again replays instead of duplicating.
      showApiError(form, err, t);
      runBtn.disabled = simBtn.disabled = false;
      return;
    }
    runBtn.disabled = simBtn.disabled = false;
    // Disabling the pressed button dropped focus to <body>; give it back so the
    // monitor returns focus there when it closes.
    e.submitter?.focus();
    onJobCreated?.(job);
    ctx.drafts.delete(draftKey);
    const monitor = new JobExecutionMonitor({ api: ctx.api, i18n, jobId: job.id, device, onClosed: onMonitorClosed, onStatus: onJobChanged, simulated: simulate, frascoDelayMs: simOptions?.frascoDelayMs }).open();
    if (!simulate) return;
    // Start the simulation once we are watching, so every step is seen live.
    await Promise.race([monitor.ready, new Promise((r) => setTimeout(r, SNAPSHOT_WAIT_MS))]);
    try {
      await ctx.api.simulate({ jobId: job.id, ...simOptions });
    } catch (err) {
      if (err.status === 404 && err.code !== 'job_not_found') setSimulatorAvailable(false);
      ctx.toast(`${t('sim.failed')}: ${errorText(err, t)}`, 'bad');
    }
  });

  form.addEventListener('input', () => { syncFromInputs(); renderStockWarning(); });
  form.addEventListener('change', () => { syncFromInputs(); renderStockWarning(); });
  renderRows();
  if (ctx.simulatorAvailable()) renderSimOptions();
  setSimulatorAvailable(ctx.simulatorAvailable());

  return {
    el: form,
    updateDevice(next) {
      device = next;
      syncFromInputs();
      // Re-label options (stock, ingredient) without disturbing what was typed.
      rows.forEach((r, i) => {
        const sel = form.querySelector(`#job-item-${i}-frasco`);
        if (sel) mount(sel, frascoOptions(r.frascoIndex));
      });
      renderStockWarning();
    },
  };
}
