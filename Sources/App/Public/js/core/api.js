// The HTTP client for the wire contract. Pure: `fetch` and the token store are
// injected, so node tests drive it with fakes and the browser passes its own.
//
// Authentication: the bearer token kept by the UI is sent when present. Every
// request also carries same-origin credentials, so a session held only in the
// server's HttpOnly `yaguts_session` cookie keeps working after a reload.

/** An error answered by the server (or the network), in the contract's shape. */
export class ApiError extends Error {
  /**
   * @param {number} status  HTTP status, 0 for a network failure
   * @param {string} code    the contract's snake_case code
   * @param {string} message text for a person
   * @param {Record<string,string>} fields  validation messages by field path (server English)
   * @param {object} extra   e.g. retryAfter (seconds) for 429
   */
  constructor(status, code, message, fields = {}, extra = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.fields = fields;
    /** Field path → {code, ...values}: what the UI renders (core/errors.js). */
    this.fieldCodes = {};
    Object.assign(this, extra);
  }
}

/**
 * Turns a non-2xx response into an ApiError. Tolerates bodies that are not the
 * contract's shape (a proxy's HTML page, an empty body) so the person always
 * gets a message.
 */
export function parseErrorBody(status, bodyText, statusText = '') {
  let parsed = null;
  try { parsed = bodyText ? JSON.parse(bodyText) : null; } catch { parsed = null; }
  const e = parsed && typeof parsed === 'object' ? parsed.error : null;
  if (e && typeof e === 'object') {
    const fields = {};
    if (e.fields && typeof e.fields === 'object') {
      for (const [k, v] of Object.entries(e.fields)) fields[k] = String(v);
    }
    const fieldCodes = {};
    if (e.field_codes && typeof e.field_codes === 'object') {
      for (const [k, v] of Object.entries(e.field_codes)) if (v && typeof v.code === 'string') fieldCodes[k] = v;
    }
    const code = typeof e.code === 'string' && e.code ? e.code : `http_${status}`;
    const message = typeof e.message === 'string' && e.message ? e.message : (statusText || `HTTP ${status}`);
    return new ApiError(status, code, message, fields, { fieldCodes, ...(parsed.result ? { result: parsed.result } : {}) });
  }
  return new ApiError(status, `http_${status}`, statusText || `HTTP ${status}`);
}

function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

/**
 * @param {object} opts
 * @param {typeof fetch} opts.fetch
 * @param {{get(): string|null, set(token: string|null): void}} opts.tokenStore
 * @param {string} [opts.baseUrl]  '' for same origin
 * @param {(err: ApiError) => void} [opts.onUnauthorized]  called on any 401 except login
 */
export function createApi({ fetch: fetchFn, tokenStore, baseUrl = '', onUnauthorized = () => {} }) {
  async function request(method, path, { body, headers = {}, auth = true, raw = false } = {}) {
    const h = { Accept: 'application/json', ...headers };
    const token = tokenStore.get();
    if (auth && token) h.Authorization = `Bearer ${token}`;
    let payload;
    if (body !== undefined) {
      h['Content-Type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    let res;
    try {
      res = await fetchFn(baseUrl + path, { method, headers: h, body: payload, credentials: 'same-origin' });
    } catch (cause) {
      throw new ApiError(0, 'network', 'network', {}, { cause });
    }
    if (raw) return res;
    const text = res.status === 204 ? '' : await res.text();
    if (!res.ok) {
      const err = parseErrorBody(res.status, text, res.statusText);
      if (res.status === 429) {
        const ra = Number(res.headers?.get?.('Retry-After'));
        if (Number.isFinite(ra)) err.retryAfter = ra;
      }
      if (res.status === 401 && auth) onUnauthorized(err);
      throw err;
    }
    if (!text) return null;
    try { return JSON.parse(text); } catch { throw new ApiError(res.status, 'bad_response', 'bad_response'); }
  }

  const api = {
    request,
    async register(email, password) {
      const r = await request('POST', '/auth/register', { body: { email, password }, auth: false });
      tokenStore.set(r.token);
      return r.user;
    },
    async login(email, password) {
      const r = await request('POST', '/auth/login', { body: { email, password }, auth: false });
      tokenStore.set(r.token);
      return r.user;
    },
    async logout() {
      try { await request('POST', '/auth/logout'); } finally { tokenStore.set(null); }
    },
    async me() { return (await request('GET', '/me')).user; },
    /** {simulator, user}: the server's switches and the signed-in user or null, never a 401. */
    async config() { return request('GET', '/config', { auth: true }); },

    async listDevices() { return (await request('GET', '/devices')).devices; },
    async getDevice(id) { return (await request('GET', `/devices/${id}`)).device; },
    async createDevice(name, frascos) { return request('POST', '/devices', { body: { name, frascos } }); },
    async rotateDeviceToken(id) { return (await request('POST', `/devices/${id}/token`)).device_token; },
    async updateFrasco(id, index, ingredient, capacityMg) {
      return (await request('PUT', `/devices/${id}/frascos/${index}`, { body: { ingredient, capacity_mg: capacityMg } })).frasco;
    },
    async refill(id, index, amountMg) {
      return (await request('POST', `/devices/${id}/frascos/${index}/refill`, { body: { amount_mg: amountMg } })).frasco;
    },
    async adjust(id, index, stockMg, note) {
      const body = note ? { stock_mg: stockMg, note } : { stock_mg: stockMg };
      return (await request('POST', `/devices/${id}/frascos/${index}/adjust`, { body })).frasco;
    },
    /** The ledger newest first; `frascoIndex` keeps one bottle's history. */
    async movements(id, { limit = 20, before, frascoIndex } = {}) {
      return (await request('GET', `/devices/${id}/stock/movements${query({ limit, before, frasco_index: frascoIndex })}`)).movements;
    },

    async createJob(body, idempotencyKey) {
      const headers = idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : {};
      return (await request('POST', '/jobs', { body, headers })).job;
    },
    async getJob(id) { return (await request('GET', `/jobs/${id}`)).job; },
    /** `createdFrom` (inclusive) and `createdBefore` (exclusive) are instants (ISO strings); `stale`: only stuck running jobs. */
    async listJobs({ deviceId, status, stale, limit = 20, before, createdFrom, createdBefore } = {}) {
      return (await request('GET', `/jobs${query({ device_id: deviceId, status, stale, limit, before, created_from: createdFrom, created_before: createdBefore })}`)).jobs;
    },
    async cancelJob(id) { return (await request('POST', `/jobs/${id}/cancel`)).job; },
    async createJobWithWarnings(body) { return request('POST', '/jobs', { body }); },
    async listRecipes() { return (await request('GET', '/recipes?limit=200')).recipes; },
    async createRecipe(body) { return (await request('POST', '/recipes', { body })).recipe; },
    async updateRecipe(id, body) { return (await request('PUT', `/recipes/${id}`, { body })).recipe; },
    async deleteRecipe(id) { return request('DELETE', `/recipes/${id}`); },
    async listWebhooks() { return (await request('GET', '/webhooks')).webhooks; },
    async createWebhook(body) { return (await request('POST', '/webhooks', { body })).webhook; },
    async deleteWebhook(id) { return request('DELETE', `/webhooks/${id}`); },
    async testWebhook(id) { return (await request('POST', `/webhooks/${id}/test`)).delivery; },
    async webhookDeliveries(id) { return (await request('GET', `/webhooks/${id}/deliveries?limit=50`)).deliveries; },
    async setLowStock(id, index, lowStockMg) {
      return (await request('PUT', `/devices/${id}/frascos/${index}/low-stock`, { body: { low_stock_mg: lowStockMg } })).frasco;
    },
    async auditEntries({ limit = 50, before } = {}) { return (await request('GET', `/audit${query({ limit, before })}`)).entries; },
    async telemetry(id, hours = 24) { return (await request('GET', `/devices/${id}/telemetry${query({ hours })}`)).samples; },
    async renameDevice(id, name) { return (await request('PATCH', `/devices/${id}`, { body: { name } })).device; },
    async deleteDevice(id) { return request('DELETE', `/devices/${id}`); },
    async abortJob(id) { return (await request('POST', `/jobs/${id}/abort`)).job; },
    async getSettings() { return (await request('GET', '/account/settings')).settings; },
    async putSettings(settings) { return (await request('PUT', '/account/settings', { body: settings })).settings; },

    /** Starts a simulated execution of a pending job (server run with --simulator). */
    async simulate(options) { return request('POST', '/devices/test/simulate-execution', { body: simulateBody(options) }); },
  };
  return api;
}

/** The simulator request body, with the contract's names and safe defaults. */
export function simulateBody({ jobId, frascoDelayMs = 700, failFrascoIndices = [], wifiDrop = false, dropAtFrascoIndex = 0, dropDurationSeconds = 5 }) {
  return {
    job_id: jobId,
    frasco_delay_ms: frascoDelayMs,
    fail_frasco_indices: [...failFrascoIndices],
    simulate_wifi_drop: Boolean(wifiDrop),
    drop_at_frasco_index: dropAtFrascoIndex,
    drop_duration_seconds: dropDurationSeconds,
  };
}
