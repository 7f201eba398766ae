import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initialMonitorState, reduceMonitor, monitorView, isFinalStatus } from '../../Sources/App/Public/js/core/monitor-state.js';

const JOB = 7;
function job(status, itemStatuses, extra = {}) {
  return {
    id: JOB, device_id: 3, status, created_at: '2024-01-01T00:00:00Z', started_at: null, completed_at: null,
    items: itemStatuses.map((s, i) => ({ position: i, frasco_index: i, amount_mg: 1000 * (i + 1), status: s, dispensed_mg: s === 'ok' ? 1000 * (i + 1) : 0 })),
    ...extra,
  };
}
const progress = (position, status, extra = {}) => ({ type: 'progress', job_id: JOB, position, frasco_index: position, status, dispensed_mg: status === 'ok' ? 1000 * (position + 1) : 0, error: null, ...extra });
const run = (events, start = initialMonitorState(JOB)) => events.reduce((s, [ev, now]) => reduceMonitor(s, ev, now ?? 0), start);
const statuses = (s) => s.items.map((it) => it.status);

test('snapshot, then progress ok / failed / ok, then completed: the whole happy path', () => {
  let s = initialMonitorState(JOB);
  assert.equal(monitorView(s, 0).loaded, false);
  s = reduceMonitor(s, { type: 'snapshot', job: job('pending', ['pending', 'pending', 'pending']) }, 100);
  assert.deepEqual(statuses(s), ['pending', 'pending', 'pending']);
  assert.equal(monitorView(s, 100).loaded, true);

  s = reduceMonitor(s, progress(0, 'dispensing'), 200);
  assert.equal(s.status, 'running', 'a progress event means the device took the job');
  assert.deepEqual(statuses(s), ['dispensing', 'pending', 'pending']);
  s = reduceMonitor(s, progress(0, 'ok'), 300);
  s = reduceMonitor(s, progress(1, 'failed', { error: 'motor stalled' }), 400);
  assert.deepEqual(statuses(s), ['ok', 'failed', 'pending']);
  assert.equal(s.items[1].error, 'motor stalled');
  let v = monitorView(s, 400);
  assert.deepEqual(v.items.map((i) => i.tone), ['ok', 'bad', 'neutral']);
  assert.equal(v.finished, 2);
  assert.equal(v.final, false);
  assert.equal(v.closesInMs, null);

  s = reduceMonitor(s, progress(2, 'ok'), 500);
  s = reduceMonitor(s, { type: 'completed', job: job('done_partial', ['ok', 'failed', 'ok']) }, 600);
  v = monitorView(s, 600);
  assert.equal(v.final, true);
  assert.equal(v.status, 'done_partial');
  assert.equal(v.tone, 'warn');
  assert.deepEqual(v.counts, { pending: 0, dispensing: 0, ok: 2, failed: 1 });
  assert.equal(v.closesInMs, 5000);
  assert.equal(monitorView(s, 3600).closesInMs, 2000);
  assert.equal(monitorView(s, 99999).closesInMs, 0);
});

test('late and duplicate events after completion change nothing', () => {
  const done = run([
    [{ type: 'snapshot', job: job('running', ['pending', 'pending']) }],
    [{ type: 'completed', job: job('done', ['ok', 'ok']) }, 50],
  ]);
  const after = run([
    [progress(0, 'failed', { error: 'late' }), 60],
    [progress(1, 'dispensing'), 70],
    [{ type: 'completed', job: job('failed', ['failed', 'failed']) }, 80],
    [{ type: 'snapshot', job: job('running', ['pending', 'pending']) }, 90],
  ], done);
  assert.deepEqual(statuses(after), ['ok', 'ok']);
  assert.equal(after.status, 'done');
  assert.equal(after.completedAt, 50, 'the close countdown is not restarted');
});

test('within an item, status only moves forward; duplicates are idempotent', () => {
  const s = run([
    [{ type: 'snapshot', job: job('running', ['pending', 'pending']) }],
    [progress(0, 'ok'), 10],
    [progress(0, 'dispensing'), 20],
    [progress(0, 'ok'), 30],
    [progress(0, 'failed', { error: 'contradiction' }), 40],
  ]);
  assert.deepEqual(statuses(s), ['ok', 'pending']);
  assert.equal(s.items[0].error, null);
  assert.equal(s.lastActivityAt, 40, 'even an ignored event is a sign of life');
});

test('dispensing updates carry the amount dispensed so far', () => {
  const s = run([
    [{ type: 'snapshot', job: job('running', ['pending']) }],
    [progress(0, 'dispensing', { dispensed_mg: 200 }), 10],
    [progress(0, 'dispensing', { dispensed_mg: 600 }), 20],
  ]);
  assert.equal(s.items[0].dispensedMg, 600);
});

test('progress for another job, an unknown position or a mismatched frasco is ignored', () => {
  const base = run([[{ type: 'snapshot', job: job('running', ['pending', 'pending']) }]]);
  for (const ev of [
    progress(0, 'ok', { job_id: 99 }),
    progress(5, 'ok'),
    progress(1, 'ok', { frasco_index: 0 }),
    progress(0, 'weird'),
    progress(0, 'pending'),
    { type: 'nonsense' },
    null,
    'string',
  ]) {
    const s = reduceMonitor(base, ev, 10);
    assert.deepEqual(statuses(s), ['pending', 'pending'], JSON.stringify(ev));
  }
});

test('a snapshot of another job is ignored', () => {
  const s = reduceMonitor(initialMonitorState(JOB), { type: 'snapshot', job: { ...job('done', ['ok']), id: 8 } }, 0);
  assert.equal(s.snapshots, 0);
  assert.equal(s.items.length, 0);
});

test('a completed-state snapshot after a reconnect finishes the job without a completed message', () => {
  let s = run([
    [{ type: 'snapshot', job: job('running', ['pending', 'pending', 'pending']) }],
    [progress(0, 'ok'), 10],
    [{ type: 'connection', state: 'reconnecting' }, 20],
  ]);
  assert.equal(monitorView(s, 20).reconnecting, true);
  s = reduceMonitor(s, { type: 'connection', state: 'open' }, 30);
  s = reduceMonitor(s, { type: 'snapshot', job: job('done_partial', ['ok', 'failed', 'ok']) }, 40);
  const v = monitorView(s, 40);
  assert.equal(v.final, true);
  assert.equal(v.status, 'done_partial');
  assert.deepEqual(statuses(s), ['ok', 'failed', 'ok']);
  assert.equal(v.reconnecting, false);
  assert.equal(s.snapshots, 2);
  assert.equal(v.closesInMs, 5000);
});

test('a running snapshot after a reconnect keeps live results the server did not persist', () => {
  const s = run([
    [{ type: 'snapshot', job: job('running', ['pending', 'pending', 'pending']) }],
    [progress(0, 'ok'), 10],
    [progress(1, 'failed', { error: 'jam' }), 20],
    [{ type: 'snapshot', job: job('running', ['pending', 'pending', 'pending']) }, 30],
  ]);
  assert.deepEqual(statuses(s), ['ok', 'failed', 'pending']);
  assert.equal(s.items[1].error, 'jam');
});

test('a final snapshot or completed message replaces live guesses', () => {
  const s = run([
    [{ type: 'snapshot', job: job('running', ['pending', 'pending']) }],
    [progress(0, 'ok'), 10],
    [{ type: 'completed', job: job('done_partial', ['failed', 'ok']) }, 20],
  ]);
  assert.deepEqual(statuses(s), ['failed', 'ok'], 'the report is authoritative over live progress');
});

test('completed with a non-final status is rejected', () => {
  const base = run([[{ type: 'snapshot', job: job('running', ['pending']) }]]);
  assert.equal(reduceMonitor(base, { type: 'completed', job: job('running', ['ok']) }, 5), base);
});

test('cancelled is final', () => {
  const s = run([[{ type: 'snapshot', job: job('cancelled', ['pending']) }]]);
  assert.equal(monitorView(s, 0).final, true);
  assert.ok(isFinalStatus('cancelled'));
  assert.ok(!isFinalStatus('running'));
});

test('device offline: by the online flag, or by silence while running', () => {
  let s = run([[{ type: 'snapshot', job: job('pending', ['pending']) }, 1000]]);
  assert.equal(monitorView(s, 1000).deviceOffline, false);
  s = reduceMonitor(s, { type: 'device', online: false }, 1100);
  assert.equal(monitorView(s, 1100).deviceOffline, true);
  s = reduceMonitor(s, { type: 'device', online: true }, 1200);
  assert.equal(monitorView(s, 1200).deviceOffline, false);

  s = reduceMonitor(s, progress(0, 'dispensing'), 2000);
  assert.equal(monitorView(s, 2000 + 30_000, { silenceMs: 30_000 }).deviceOffline, false);
  assert.equal(monitorView(s, 2001 + 30_000, { silenceMs: 30_000 }).deviceOffline, true);
  s = reduceMonitor(s, progress(0, 'ok'), 40_000);
  assert.equal(monitorView(s, 40_001, { silenceMs: 30_000 }).deviceOffline, false, 'progress clears the silence');

  s = reduceMonitor(s, { type: 'device', online: false }, 40_002);
  s = reduceMonitor(s, { type: 'completed', job: job('done', ['ok']) }, 40_003);
  assert.equal(monitorView(s, 40_004).deviceOffline, false, 'a finished job shows no offline warning');
});

test('a pending job waiting in the queue is never "silent"', () => {
  const s = run([[{ type: 'snapshot', job: job('pending', ['pending']) }, 0]]);
  assert.equal(monitorView(s, 10 * 60_000).deviceOffline, false);
});

test('progress marks the device online even before the device feed says so', () => {
  let s = run([[{ type: 'snapshot', job: job('running', ['pending']) }], [{ type: 'device', online: false }, 1]]);
  s = reduceMonitor(s, progress(0, 'dispensing'), 2);
  assert.equal(monitorView(s, 2).deviceOffline, false);
});

test('fatal errors are shown and close the connection state', () => {
  const s = reduceMonitor(initialMonitorState(JOB), { type: 'fatal', error: 'monitor.notFound' }, 0);
  const v = monitorView(s, 0);
  assert.equal(v.error, 'monitor.notFound');
  assert.equal(s.connection, 'closed');
});

test('items are ordered by position whatever the server order', () => {
  const j = job('pending', ['pending', 'pending', 'pending']);
  j.items.reverse();
  const s = run([[{ type: 'snapshot', job: j }]]);
  assert.deepEqual(s.items.map((i) => i.position), [0, 1, 2]);
});

test('the live error text of a failed item survives the completed message, which has none', () => {
  const s = run([
    [{ type: 'snapshot', job: job('running', ['pending', 'pending']) }],
    [progress(0, 'failed', { error: 'motor stalled' }), 10],
    [{ type: 'completed', job: job('done_partial', ['failed', 'ok']) }, 20],
  ]);
  assert.equal(s.items[0].error, 'motor stalled');
  assert.equal(s.items[1].error, null);
});

test('silence made visible: overdue a few seconds after the expected time per bottle', () => {
  let s = reduceMonitor(initialMonitorState(JOB), { type: 'snapshot', job: job('running', ['pending', 'pending']) }, 1000);
  s = reduceMonitor(s, { type: 'progress', job_id: JOB, position: 0, frasco_index: 0, status: 'dispensing', dispensed_mg: 0, error: null }, 2000);
  const at = (now) => monitorView(s, now, { itemMs: 700 });
  assert.equal(at(2000 + 700 + 3000).overdue, false);
  assert.equal(at(2000 + 700 + 3001).overdue, true);
  assert.equal(at(2000 + 9_500).silentForS, 9, 'whole seconds since the last sign of life');
  assert.equal(at(2000 + 9_500).deviceOffline, false, 'overdue is not offline yet');
  s = reduceMonitor(s, { type: 'progress', job_id: JOB, position: 0, frasco_index: 0, status: 'ok', dispensed_mg: 5, error: null }, 12_000);
  assert.equal(at(12_100).overdue, false, 'progress clears it');
});

test('a simulated run: the real device being offline is not news', () => {
  let s = reduceMonitor(initialMonitorState(JOB), { type: 'snapshot', job: job('running', ['pending']) }, 0);
  s = reduceMonitor(s, { type: 'device', online: false, simulating: true }, 1);
  assert.equal(monitorView(s, 2).deviceOffline, false);
  assert.equal(monitorView(s, 60_000, { silenceMs: 30_000 }).deviceOffline, false);
  assert.equal(monitorView(s, 60_000, { silenceMs: 30_000 }).overdue, true, 'a stalled simulation still shows as waiting');
  s = reduceMonitor(s, { type: 'device', online: false, simulating: false }, 3);
  assert.equal(monitorView(s, 4).deviceOffline, true);
});
