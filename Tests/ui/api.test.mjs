import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createApi, parseErrorBody, ApiError, simulateBody } from '../../Sources/App/Public/js/core/api.js';

function fakeFetch(responder) {
  const calls = [];
  const fn = async (url, init) => {
    calls.push({ url, ...init });
    const r = await responder(url, init, calls.length);
    if (r instanceof Error) throw r;
    const { status = 200, body = '', headers = {}, statusText = '' } = r;
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    return { status, ok: status >= 200 && status < 300, statusText, text: async () => text, headers: { get: (k) => headers[k] ?? null } };
  };
  fn.calls = calls;
  return fn;
}
function memoryTokens(token = null) {
  return { token, get() { return this.token; }, set(t) { this.token = t; } };
}

test('the contract error body gives code, message and field messages', () => {
  const e = parseErrorBody(422, JSON.stringify({ error: { code: 'invalid_fields', message: 'Invalid job', fields: { 'items[2].amount_mg': 'must be greater than 0' } } }));
  assert.ok(e instanceof ApiError);
  assert.equal(e.status, 422);
  assert.equal(e.code, 'invalid_fields');
  assert.equal(e.message, 'Invalid job');
  assert.deepEqual(e.fields, { 'items[2].amount_mg': 'must be greater than 0' });
});

test('bodies that are not the contract shape still yield a message', () => {
  for (const body of ['', '<html>bad gateway</html>', '{"error": "flat"}', 'null', '[]', '{"error": {"fields": 5}}']) {
    const e = parseErrorBody(502, body, 'Bad Gateway');
    assert.equal(e.status, 502, body);
    assert.equal(e.message, 'Bad Gateway', body);
    assert.deepEqual(e.fields, {}, body);
    assert.match(e.code, /^http_502$/, body);
  }
});

test('a 409 completion conflict keeps the recorded result', () => {
  const e = parseErrorBody(409, JSON.stringify({ error: { code: 'conflict', message: 'x' }, result: { job_id: 1, status: 'done' } }));
  assert.deepEqual(e.result, { job_id: 1, status: 'done' });
});

test('requests carry the bearer token, JSON and same-origin credentials', async () => {
  const f = fakeFetch(() => ({ status: 201, body: { job: { id: 9 } } }));
  const api = createApi({ fetch: f, tokenStore: memoryTokens('tok') });
  const job = await api.createJob({ device_id: 1, items: [{ frasco_index: 0, amount_mg: 5 }] }, 'key-1');
  assert.equal(job.id, 9);
  const c = f.calls[0];
  assert.equal(c.url, '/jobs');
  assert.equal(c.method, 'POST');
  assert.equal(c.credentials, 'same-origin');
  assert.equal(c.headers.Authorization, 'Bearer tok');
  assert.equal(c.headers['Content-Type'], 'application/json');
  assert.equal(c.headers['Idempotency-Key'], 'key-1');
  assert.deepEqual(JSON.parse(c.body), { device_id: 1, items: [{ frasco_index: 0, amount_mg: 5 }] });
});

test('without a token no Authorization header is sent (the cookie may carry the session)', async () => {
  const f = fakeFetch(() => ({ body: { user: { id: 1, email: 'a@b.c' } } }));
  const api = createApi({ fetch: f, tokenStore: memoryTokens(null) });
  await api.me();
  assert.equal(f.calls[0].headers.Authorization, undefined);
  assert.equal(f.calls[0].credentials, 'same-origin');
});

test('login stores the token; logout forgets it even when the server fails', async () => {
  const tokens = memoryTokens();
  let n = 0;
  const f = fakeFetch(() => (++n === 1 ? { body: { user: { id: 1, email: 'a@b.c' }, token: 'T' } } : { status: 500, body: '' }));
  const api = createApi({ fetch: f, tokenStore: tokens });
  const user = await api.login('a@b.c', 'pw');
  assert.equal(user.email, 'a@b.c');
  assert.equal(tokens.token, 'T');
  assert.equal(f.calls[0].headers.Authorization, undefined, 'login does not send an old token');
  await assert.rejects(api.logout());
  assert.equal(tokens.token, null);
});

test('a 401 on an authenticated call notifies the app; a failed login does not', async () => {
  const seen = [];
  const f = fakeFetch(() => ({ status: 401, body: { error: { code: 'unauthorized', message: 'no' } } }));
  const api = createApi({ fetch: f, tokenStore: memoryTokens('x'), onUnauthorized: (e) => seen.push(e.code) });
  await assert.rejects(api.listDevices(), (e) => e.status === 401);
  await assert.rejects(api.login('a', 'b'), (e) => e.status === 401);
  assert.deepEqual(seen, ['unauthorized']);
});

test('network failures become status 0 / code network', async () => {
  const api = createApi({ fetch: fakeFetch(() => new TypeError('Failed to fetch')), tokenStore: memoryTokens() });
  await assert.rejects(api.listDevices(), (e) => e instanceof ApiError && e.status === 0 && e.code === 'network');
});

test('429 carries Retry-After seconds', async () => {
  const api = createApi({ fetch: fakeFetch(() => ({ status: 429, headers: { 'Retry-After': '7' }, body: { error: { code: 'rate_limited', message: 'slow down' } } })), tokenStore: memoryTokens() });
  await assert.rejects(api.listDevices(), (e) => e.retryAfter === 7);
});

test('204 answers and list queries', async () => {
  const f = fakeFetch((url) => (url.startsWith('/jobs?') ? { body: { jobs: [] } } : { status: 204 }));
  const api = createApi({ fetch: f, tokenStore: memoryTokens('t') });
  assert.deepEqual(await api.listJobs({ deviceId: 3, status: 'failed', limit: 10, before: 55 }), []);
  assert.equal(f.calls[0].url, '/jobs?device_id=3&status=failed&limit=10&before=55');
  await api.listJobs({});
  assert.equal(f.calls[1].url, '/jobs?limit=20');
});

test('movements paging and frasco updates use the contract paths and bodies', async () => {
  const f = fakeFetch(() => ({ body: { movements: [], frasco: { index: 1 } } }));
  const api = createApi({ fetch: f, tokenStore: memoryTokens('t') });
  await api.movements(4, { limit: 20, before: 90 });
  await api.updateFrasco(4, 1, 'Sal', null);
  await api.refill(4, 1, 2500);
  await api.adjust(4, 1, 0, '');
  assert.equal(f.calls[0].url, '/devices/4/stock/movements?limit=20&before=90');
  assert.deepEqual([f.calls[1].method, f.calls[1].url, JSON.parse(f.calls[1].body)], ['PUT', '/devices/4/frascos/1', { ingredient: 'Sal', capacity_mg: null }]);
  assert.deepEqual(JSON.parse(f.calls[2].body), { amount_mg: 2500 });
  assert.deepEqual(JSON.parse(f.calls[3].body), { stock_mg: 0 }, 'an empty note is not sent');
});

test('config: one GET /config, no probing of the simulator endpoint and no /me', async () => {
  const f = fakeFetch(() => ({ status: 200, body: { simulator: true, user: null } }));
  const api = createApi({ fetch: f, tokenStore: memoryTokens(null) });
  assert.deepEqual(await api.config(), { simulator: true, user: null });
  assert.deepEqual(f.calls.map((c) => [c.method, c.url]), [['GET', '/config']]);
  assert.equal('simulatorAvailable' in api, false, 'the 405 probe is gone');
});

test('field_codes are kept on the ApiError for the UI to render', () => {
  const err = parseErrorBody(422, JSON.stringify({ error: { code: 'invalid_fields', message: 'x', fields: { amount_mg: 'at most 300000 fits' }, field_codes: { amount_mg: { code: 'exceeds_capacity', fits_mg: 300000 } } } }));
  assert.deepEqual(err.fieldCodes, { amount_mg: { code: 'exceeds_capacity', fits_mg: 300000 } });
  assert.equal(err.fields.amount_mg, 'at most 300000 fits');
  assert.deepEqual(parseErrorBody(404, '{"error":{"code":"not_found","message":"x"}}').fieldCodes, {});
});

test('simulation request body uses the contract names', () => {
  assert.deepEqual(simulateBody({ jobId: 5, frascoDelayMs: 700, failFrascoIndices: [1], wifiDrop: true, dropAtFrascoIndex: 2, dropDurationSeconds: 3 }), {
    job_id: 5, frasco_delay_ms: 700, fail_frasco_indices: [1], simulate_wifi_drop: true, drop_at_frasco_index: 2, drop_duration_seconds: 3,
  });
});
