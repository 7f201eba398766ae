// JobExecutionMonitor: the progress dialog of one job.
//
// Opens /ws/jobs/{id}, feeds every message to the pure reducer
// (core/monitor-state.js) and renders the view model. Watches the device's
// online flag through /ws/devices/{id}. Reconnects with back-off and re-renders
// from the fresh snapshot. Closes itself AUTO_CLOSE_MS after the job ends
// unless "keep open" is ticked.
//
// Ownership: the monitor owns its dialog, its two sockets and its timers;
// close() (or Escape, or the ✕ button) releases all of them exactly once.

import { initialMonitorState, reduceMonitor, monitorView, AUTO_CLOSE_MS, DEFAULT_SILENCE_MS, DEFAULT_ITEM_MS, FINAL_STATUSES } from './core/monitor-state.js';
import { formatMg } from './core/format.js';
import { deviceErrorText } from './core/errors.js';
import { deductionsByPosition } from './core/stock.js';
import { ReconnectingSocket, wsUrl } from './ui/reconnecting-socket.js';
import { openDialog } from './ui/dialog.js';
import { h, icon, mount } from './ui/dom.js';

const ITEM_ICON = { pending: 'clock', dispensing: 'spinner', ok: 'check', failed: 'x' };
const OVERALL_ICON = { pending: 'clock', running: 'spinner', done: 'check', done_partial: 'warn', failed: 'x', cancelled: 'minus', expired: 'clock' };

export class JobExecutionMonitor {
  /**
   * @param {object} o
   * @param {ReturnType<import('./core/api.js').createApi>} o.api
   * @param {ReturnType<import('./core/i18n.js').createI18n>} o.i18n
   * @param {number} o.jobId
   * @param {object} [o.device]  the device, if known (names the frascos)
   * @param {() => void} [o.onClosed]
   * @param {(status: string) => void} [o.onStatus]  the job's status changed (lists behind the dialog refresh)
   * @param {boolean} [o.simulated]  the server's simulator runs this job
   * @param {number} [o.frascoDelayMs]  the expected time per bottle, when known
   */
  constructor({ api, i18n, jobId, device = null, onClosed, onStatus, simulated = false, frascoDelayMs, autoCloseMs = AUTO_CLOSE_MS, silenceMs = DEFAULT_SILENCE_MS }) {
    this.onStatus = onStatus;
    this.simulated = simulated;
    this.itemMs = Number.isFinite(frascoDelayMs) ? frascoDelayMs : DEFAULT_ITEM_MS;
    this.deductions = null; // Map position → {deductedMg, clamped}, once the job is settled
    this.api = api;
    this.i18n = i18n;
    this.jobId = jobId;
    this.device = device;
    this.onClosed = onClosed;
    this.autoCloseMs = autoCloseMs;
    this.silenceMs = silenceMs;
    this.state = initialMonitorState(jobId);
    this.jobSocket = null;
    this.deviceSocket = null;
    this.tickTimer = null;
    this.closeTimer = null;
    this.closed = false;
    this.rows = new Map();
    let resolveReady;
    this.ready = new Promise((r) => { resolveReady = r; });
    this.resolveReady = resolveReady;
  }

  /** Shows the dialog and starts watching. Returns this. */
  open() {
    const t = this.i18n.t;
    this.el = {
      status: h('p', { id: 'monitor-status', class: 'monitor-status', role: 'status', 'data-testid': 'monitor-status' }),
      progress: h('progress', { id: 'monitor-progress', max: 1, value: 0, 'aria-label': t('monitor.progress') }),
      notices: h('div', { class: 'monitor-notices', 'aria-live': 'polite' }),
      list: h('ol', { class: 'monitor-items', id: 'monitor-items', 'data-testid': 'monitor-items' }),
      countdown: h('p', { class: 'muted', id: 'monitor-countdown', 'data-testid': 'monitor-countdown' }),
      keepOpen: h('input', { type: 'checkbox', id: 'monitor-keep-open', 'data-testid': 'monitor-keep-open', onchange: () => this.onKeepOpenChange() }),
      abort: h('button', { type: 'button', class: 'btn danger', id: 'monitor-abort', 'data-testid': 'monitor-abort', hidden: true, onclick: () => this.requestAbort() }, t('job.abort')),
    };
    const body = [
      this.el.status, this.el.progress, this.el.notices, this.el.list,
      h('div', { class: 'monitor-foot' },
        h('label', { class: 'check' }, this.el.keepOpen, t('monitor.keepOpen')),
        this.el.countdown,
        this.el.abort,
        h('button', { type: 'button', class: 'btn', id: 'monitor-close', 'data-testid': 'monitor-close', autofocus: true, onclick: () => this.close() }, t('action.close'))),
    ];
    this.dialog = openDialog({
      title: t('monitor.title', { id: this.jobId }),
      body,
      testid: 'job-monitor',
      className: 'monitor',
      onClose: () => this.dispose(),
    });
    this.dialog.dialog.dataset.jobId = String(this.jobId);
    this.dialog.dialog.dataset.reconnects = '0';

    this.jobSocket = new ReconnectingSocket(wsUrl(`/ws/jobs/${this.jobId}`), {
      onMessage: (msg) => this.dispatch(msg),
      onState: (s) => this.dispatch({ type: 'connection', state: s }),
      shouldRetry: (info) => this.shouldRetry(info),
    }).start();
    this.tickTimer = setInterval(() => this.render(), 1000);
    if (this.device) this.watchDevice(this.device.id);
    this.render();
    return this;
  }

  /** Closes the dialog (idempotent). */
  close() {
    this.dialog?.close();
  }

  dispose() {
    if (this.closed) return;
    this.closed = true;
    this.jobSocket?.stop();
    this.deviceSocket?.stop();
    clearInterval(this.tickTimer);
    clearTimeout(this.closeTimer);
    this.resolveReady(false);
    this.onClosed?.(this.state);
  }

  dispatch(ev) {
    if (this.closed) return;
    if (ev.type === 'connection') this.noteConnection(ev.state);
    const before = this.state;
    this.state = reduceMonitor(this.state, ev, Date.now());
    if (this.state === before) return;
    if (ev.type === 'snapshot' || ev.type === 'completed') this.resolveReady(true);
    if (this.state.deviceId && !this.deviceSocket) this.watchDevice(this.state.deviceId);
    if (this.state.final && !before.final) this.onFinal();
    if (this.state.status !== before.status && before.status !== null) this.onStatus?.(this.state.status);
    this.render();
  }

  /**
   * Exposes the socket's history on the dialog (data-connection, data-reconnects)
   * so tests and support can tell a reconnect happened without racing the UI.
   */
  noteConnection(state) {
    const d = this.dialog?.dialog;
    if (!d) return;
    if (state === 'open') {
      if (this.everOpened) d.dataset.reconnects = String(Number(d.dataset.reconnects ?? 0) + 1);
      this.everOpened = true;
    }
    d.dataset.connection = state;
  }

  watchDevice(deviceId) {
    if (this.deviceSocket || this.closed) return;
    if (!this.device || this.device.id !== deviceId) {
      this.api.getDevice(deviceId).then((d) => { this.device = d; this.render(true); }).catch(() => {});
    }
    this.deviceSocket = new ReconnectingSocket(wsUrl(`/ws/devices/${deviceId}`), {
      onMessage: (msg) => {
        if (msg.type !== 'device' || !msg.device) return;
        this.device = msg.device;
        this.dispatch({ type: 'device', online: msg.device.online, simulating: msg.device.simulating === true });
      },
    }).start();
  }

  /**
   * Before reconnecting after a socket that never opened, ask over HTTP why:
   * a job that is gone or a session that expired will not come back.
   * A job that finished meanwhile is rendered from the HTTP answer.
   */
  async shouldRetry({ attempt, everOpened }) {
    if (this.state.final) return false;
    if (everOpened && attempt === 0) return true;
    try {
      const job = await this.api.getJob(this.jobId);
      if (job && FINAL_STATUSES.includes(job.status)) {
        this.dispatch({ type: 'completed', job });
        return false;
      }
      return true;
    } catch (err) {
      if (err.status === 404) { this.dispatch({ type: 'fatal', error: 'monitor.notFound' }); return false; }
      if (err.status === 401) { this.dispatch({ type: 'fatal', error: 'monitor.sessionExpired' }); return false; }
      return true;
    }
  }

  onFinal() {
    this.jobSocket?.stop();
    this.deviceSocket?.stop();
    this.scheduleClose(this.autoCloseMs);
    this.loadDeductions();
  }

  /** What the ledger really took for each item (a deduction is clamped at zero stock). */
  async loadDeductions() {
    const deviceId = this.state.deviceId;
    if (!deviceId || this.state.status === 'cancelled') return;
    try {
      const movements = await this.api.movements(deviceId, { limit: 200 });
      const job = { id: this.jobId, items: this.state.items.map((it) => ({ position: it.position, frasco_index: it.frascoIndex, status: it.status, dispensed_mg: it.dispensedMg })) };
      this.deductions = deductionsByPosition(job, movements);
      this.render(true);
    } catch { /* the amounts dispensed are still shown */ }
  }

  scheduleClose(ms) {
    clearTimeout(this.closeTimer);
    this.closeDeadline = Date.now() + ms;
    this.closeTimer = setTimeout(() => {
      if (!this.el.keepOpen.checked) this.close();
    }, ms);
  }

  onKeepOpenChange() {
    // Unticking after the job ended gives the person the full delay again.
    if (this.state.final && !this.el.keepOpen.checked) this.scheduleClose(this.autoCloseMs);
    this.render();
  }

  /** Asks the device to stop; it stops before its next item and the job ends as usual. */
  async requestAbort() {
    this.el.abort.disabled = true;
    try {
      await this.api.abortJob(this.jobId);
      this.abortRequested = true;
    } catch {
      this.el.abort.disabled = false;
    }
    this.render();
  }

  frascoName(index) {
    const f = this.device?.frascos?.find((x) => x.index === index);
    const t = this.i18n.t;
    return f?.ingredient ? t('monitor.frascoNamed', { n: index + 1, name: f.ingredient }) : t('frasco.label', { n: index + 1 });
  }

  render(forceRows = false) {
    if (this.closed) return;
    const { t, lang } = this.i18n;
    const now = Date.now();
    const v = monitorView(this.state, now, { silenceMs: this.silenceMs, autoCloseMs: this.autoCloseMs, itemMs: this.itemMs });

    const statusKey = v.error ? v.error : v.loaded ? `jobStatus.${v.status}` : 'monitor.loading';
    const summary = v.final
      ? t('monitor.summary', { ok: v.counts.ok, failed: v.counts.failed, total: v.total })
      : v.loaded ? this.i18n.tn('monitor.progressText', v.total, { done: v.finished, total: v.total }) : '';
    this.el.status.dataset.status = v.error ? 'error' : (v.status ?? 'loading');
    this.el.status.className = `monitor-status tone-${v.error ? 'bad' : v.tone}`;
    mount(this.el.status, icon(v.error ? 'warn' : OVERALL_ICON[v.status] ?? 'clock', v.status === 'running' ? 'spin' : ''),
      h('strong', {}, t(statusKey)), summary ? h('span', { class: 'muted' }, summary) : null);
    this.el.progress.max = Math.max(1, v.total);
    this.el.progress.value = v.finished;

    const notices = [];
    if (v.reconnecting) notices.push(h('p', { class: 'notice tone-warn', 'data-testid': 'monitor-reconnecting' }, icon('refresh', 'spin'), t('monitor.reconnecting')));
    if (this.simulated || this.device?.simulating) notices.push(h('p', { class: 'notice tone-active', 'data-testid': 'monitor-simulation' }, icon('flask'), t('monitor.simulation')));
    if (v.overdue) notices.push(h('p', { class: 'notice tone-warn', 'data-testid': 'monitor-waiting', 'data-silent-s': v.silentForS }, icon('clock'), t('monitor.waiting', { s: v.silentForS })));
    if (v.deviceOffline) notices.push(h('p', { class: 'notice tone-bad', 'data-testid': 'monitor-device-offline' }, icon('wifiOff'), t('monitor.deviceOffline')));
    this.el.notices.dataset.connection = this.state.connection;

    this.el.abort.hidden = v.final || v.status !== 'running';
    if (this.abortRequested && !v.final) notices.push(h('p', { class: 'notice tone-warn', 'data-testid': 'monitor-abort-requested' }, icon('warn'), t('job.abortRequested')));
    mount(this.el.notices, notices);
    if (forceRows || this.rows.size !== v.items.length) this.buildRows(v.items);
    for (const it of v.items) this.updateRow(it, t, lang);

    if (v.final && this.closeDeadline) {
      const secs = Math.ceil(Math.max(0, this.closeDeadline - now) / 1000);
      this.el.countdown.textContent = this.el.keepOpen.checked ? t('monitor.keptOpen') : t('monitor.closingIn', { s: secs });
    } else {
      this.el.countdown.textContent = '';
    }
  }

  buildRows(items) {
    this.rows.clear();
    mount(this.el.list, items.map((it) => {
      const row = {
        li: h('li', { class: 'monitor-item', 'data-testid': `monitor-item-${it.position}`, 'data-position': it.position, 'data-frasco': it.frascoIndex }),
      };
      this.rows.set(it.position, row);
      return row.li;
    }));
  }

  /** "10 g dosados", or — when the ledger took less than asked — asked, dispensed and deducted, with the reason. */
  okDetail(it, deduction, t, lang) {
    const props = { class: 'muted', 'data-testid': `monitor-item-${it.position}-detail` };
    if (deduction && deduction.deductedMg < it.dispensedMg) {
      return h('span', { ...props, class: 'item-clamped', 'data-clamped': 'true', 'data-deducted-mg': deduction.deductedMg },
        t('monitor.clamped', { asked: formatMg(it.amountMg, lang), dispensed: formatMg(it.dispensedMg, lang), deducted: formatMg(deduction.deductedMg, lang) }));
    }
    return h('span', props, t('monitor.dispensed', { amount: formatMg(it.dispensedMg, lang) }));
  }

  updateRow(it, t, lang) {
    const row = this.rows.get(it.position);
    const deduction = this.deductions?.get(it.position);
    const key = `${it.status}|${it.dispensedMg}|${it.error}|${lang}|${this.device?.id}|${deduction?.deductedMg}`;
    if (!row || row.key === key) return;
    row.key = key;
    row.li.dataset.status = it.status;
    row.li.className = `monitor-item tone-${it.tone}`;
    const detail = it.status === 'failed'
      ? h('span', { class: 'item-error', 'data-testid': `monitor-item-${it.position}-error` }, it.error === 'aborted' ? t('monitor.itemAborted') : it.error ? deviceErrorText(t, it.error) : t('monitor.failedNoReason'))
      : it.status === 'ok' ? this.okDetail(it, deduction, t, lang) : null;
    mount(row.li,
      icon(ITEM_ICON[it.status], it.status === 'dispensing' ? 'spin' : ''),
      h('div', { class: 'item-main' },
        h('span', { class: 'item-name' }, this.frascoName(it.frascoIndex)),
        h('span', { class: 'item-amount' }, formatMg(it.amountMg, lang))),
      // A clamp note is a sentence: it gets the row's full width below, not the narrow status column.
      h('div', { class: 'item-state' }, h('strong', {}, t(`itemStatus.${it.status}`)), detail?.dataset.clamped ? null : detail),
      detail?.dataset.clamped ? detail : null);
  }
}
