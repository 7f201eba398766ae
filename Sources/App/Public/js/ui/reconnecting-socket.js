// A WebSocket that comes back: on every unexpected close it reconnects after
// an exponential, jittered, capped delay (core/backoff.js).
//
// Authentication relies on the browser sending the HttpOnly `yaguts_session`
// cookie with the upgrade (browsers cannot set headers on a WebSocket).
// The attempt counter resets once a message has arrived, i.e. once the server
// has accepted us and is talking, not merely when TCP connected.

import { backoffDelay } from '../core/backoff.js';

/** `ws://host/path` or `wss://…` for a same-origin path. */
export function wsUrl(path, loc = window.location) {
  return `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}${path}`;
}

export class ReconnectingSocket {
  /**
   * @param {string} url
   * @param {object} o
   * @param {(msg: object) => void} o.onMessage  parsed JSON messages
   * @param {(state: 'connecting'|'open'|'reconnecting'|'closed', info?: object) => void} [o.onState]
   * @param {(info: {attempt: number, everOpened: boolean, code: number}) => Promise<boolean>|boolean} [o.shouldRetry]
   *        asked before each retry; false stops for good (e.g. the job is gone)
   */
  constructor(url, { onMessage, onState = () => {}, shouldRetry = () => true, backoff = {} }) {
    this.url = url;
    this.onMessage = onMessage;
    this.onState = onState;
    this.shouldRetry = shouldRetry;
    this.backoff = backoff;
    this.attempt = 0;
    this.ws = null;
    this.timer = null;
    this.stopped = false;
    this.everOpened = false;
  }

  start() {
    this.stopped = false;
    this.connect();
    return this;
  }

  /** Closes for good; no further callbacks except a final 'closed'. */
  stop() {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.timer);
    const ws = this.ws;
    this.ws = null;
    if (ws && ws.readyState <= 1) ws.close(1000);
    this.onState('closed');
  }

  connect() {
    if (this.stopped) return;
    this.onState(this.attempt === 0 && !this.everOpened ? 'connecting' : 'reconnecting');
    let ws;
    try {
      ws = new WebSocket(this.url);
    } catch {
      this.scheduleRetry(1006);
      return;
    }
    this.ws = ws;
    let talked = false;
    ws.addEventListener('open', () => {
      if (this.ws !== ws) return;
      this.everOpened = true;
      this.onState('open');
    });
    ws.addEventListener('message', (e) => {
      if (this.ws !== ws) return;
      if (!talked) { talked = true; this.attempt = 0; }
      let msg;
      try { msg = JSON.parse(e.data); } catch { return; }
      if (msg && typeof msg === 'object') this.onMessage(msg);
    });
    ws.addEventListener('close', (e) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.scheduleRetry(e.code);
    });
  }

  async scheduleRetry(code) {
    if (this.stopped) return;
    this.onState('reconnecting', { code });
    const attempt = this.attempt;
    this.attempt += 1;
    let go = true;
    try { go = await this.shouldRetry({ attempt, everOpened: this.everOpened, code }); } catch { go = true; }
    if (this.stopped) return;
    if (!go) { this.stop(); return; }
    this.timer = setTimeout(() => this.connect(), backoffDelay(attempt, this.backoff));
  }
}
