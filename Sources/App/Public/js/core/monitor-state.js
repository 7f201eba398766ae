// The job monitor's state machine, with no DOM and no sockets: events from the
// job's WebSocket (snapshot, progress, completed), from the connection and from
// the device's live feed go in; a view model comes out.
//
// Invariants:
// - A final job (done, done_partial, failed, cancelled) never changes again:
//   later progress, snapshots and repeated `completed` messages change nothing
//   (the server's first report decides, and it is durable before it is sent).
// - The first `completed` or final snapshot is authoritative: it replaces the items.
// - A non-final snapshot (e.g. after a reconnect) is authoritative for the job,
//   but live item results already seen are kept where the snapshot still says
//   `pending`: progress is not persisted by the server, and losing what the
//   person just watched would look like the device went backwards.
// - Within one item, status only moves forward: pending → dispensing → ok|failed.

export const FINAL_STATUSES = Object.freeze(['done', 'done_partial', 'failed', 'cancelled', 'expired']);
export const DEFAULT_SILENCE_MS = 30_000;
export const AUTO_CLOSE_MS = 5_000;
/** Time per bottle assumed for a real device, whose pace the UI does not know. */
export const DEFAULT_ITEM_MS = 5_000;
/** Progress is overdue this long after the expected time of the current bottle. */
export const OVERDUE_GRACE_MS = 3_000;

const ITEM_RANK = { pending: 0, dispensing: 1, ok: 2, failed: 2 };

export function isFinalStatus(status) {
  return FINAL_STATUSES.includes(status);
}

/** The state before anything is known about job `jobId`. */
export function initialMonitorState(jobId) {
  return {
    jobId,
    deviceId: null,
    status: null,
    items: [],
    final: false,
    completedAt: null, // client clock (ms) when the final state was first seen
    connection: 'connecting', // connecting | open | reconnecting | closed
    deviceOnline: null, // null: unknown
    deviceSimulating: false, // the server's simulator runs the job: "offline" is not news
    lastActivityAt: null, // client clock (ms) of the last sign of life of the job
    snapshots: 0,
    error: null, // i18n key of a fatal problem (job not found, session expired)
  };
}

function itemsFromJob(job) {
  return (Array.isArray(job.items) ? job.items : [])
    .map((it) => ({
      position: it.position,
      frascoIndex: it.frasco_index,
      amountMg: it.amount_mg,
      status: it.status in ITEM_RANK ? it.status : 'pending',
      dispensedMg: it.dispensed_mg ?? 0,
      error: it.error ?? null,
    }))
    .sort((a, b) => a.position - b.position);
}

function applyJob(state, job, now) {
  if (!job || job.id !== state.jobId) return state;
  // The first final state seen is the recorded result (the server's first report decides).
  if (state.final) return state;
  const final = isFinalStatus(job.status);
  const previous = new Map(state.items.map((it) => [it.position, it]));
  const items = itemsFromJob(job).map((it) => {
    const old = previous.get(it.position);
    if (!old) return it;
    if (!final && it.status === 'pending' && ITEM_RANK[old.status] > 0) return { ...it, ...pick(old) };
    // Job items carry no error text; keep the one the device reported live.
    if (it.status === 'failed' && !it.error && old.status === 'failed') return { ...it, error: old.error };
    return it;
  });
  return {
    ...state,
    deviceId: job.device_id ?? state.deviceId,
    status: job.status,
    items,
    final,
    completedAt: final ? (state.completedAt ?? now) : null,
    lastActivityAt: state.lastActivityAt ?? now,
  };
}

function pick(it) {
  return { status: it.status, dispensedMg: it.dispensedMg, error: it.error };
}

function applyProgress(state, ev, now) {
  if (state.final || ev.job_id !== state.jobId) return state;
  const idx = state.items.findIndex((it) => it.position === ev.position);
  if (idx < 0) return state;
  const cur = state.items[idx];
  if (ev.frasco_index !== undefined && ev.frasco_index !== cur.frascoIndex) return state;
  if (!(ev.status in ITEM_RANK) || ev.status === 'pending') return state;
  // Duplicates and late "dispensing" after a result change nothing, but are still signs of life.
  const alive = { ...state, lastActivityAt: now, deviceOnline: true, status: state.status === 'pending' ? 'running' : state.status };
  if (ITEM_RANK[cur.status] >= ITEM_RANK[ev.status] && !(cur.status === 'dispensing' && ev.status === 'dispensing')) return alive;
  if (ITEM_RANK[cur.status] === 2) return alive;
  const items = state.items.slice();
  items[idx] = {
    ...cur,
    status: ev.status,
    dispensedMg: Number.isFinite(ev.dispensed_mg) ? ev.dispensed_mg : cur.dispensedMg,
    error: ev.status === 'failed' ? (ev.error || null) : null,
  };
  return { ...alive, items };
}

/**
 * @param {object} state  from initialMonitorState or a previous call
 * @param {object} ev     a socket message or an internal event:
 *   {type:'snapshot'|'completed', job}, {type:'progress', ...},
 *   {type:'connection', state}, {type:'device', online}, {type:'fatal', error}
 * @param {number} now    client clock in ms
 */
export function reduceMonitor(state, ev, now) {
  if (!ev || typeof ev !== 'object') return state;
  switch (ev.type) {
    case 'snapshot': {
      const next = applyJob(state, ev.job, now);
      return next === state ? state : { ...next, snapshots: state.snapshots + 1 };
    }
    case 'completed': {
      if (!ev.job || !isFinalStatus(ev.job.status)) return state;
      return applyJob(state, ev.job, now);
    }
    case 'progress':
      return applyProgress(state, ev, now);
    case 'connection':
      return state.connection === ev.state ? state : { ...state, connection: ev.state };
    case 'device':
      if (typeof ev.online !== 'boolean') return state;
      return { ...state, deviceOnline: ev.online, deviceSimulating: ev.simulating === true };
    case 'fatal':
      return { ...state, error: ev.error, connection: 'closed' };
    default:
      return state;
  }
}

const ITEM_TONE = { pending: 'neutral', dispensing: 'active', ok: 'ok', failed: 'bad' };
const OVERALL_TONE = { pending: 'neutral', running: 'active', done: 'ok', done_partial: 'warn', failed: 'bad', cancelled: 'neutral', expired: 'neutral' };

/** The view model the dialog renders. Pure function of state and clock. */
export function monitorView(state, now, { silenceMs = DEFAULT_SILENCE_MS, autoCloseMs = AUTO_CLOSE_MS, itemMs = DEFAULT_ITEM_MS } = {}) {
  const counts = { pending: 0, dispensing: 0, ok: 0, failed: 0 };
  for (const it of state.items) counts[it.status] += 1;
  const total = state.items.length;
  const running = !state.final && state.status === 'running' && state.lastActivityAt != null;
  const silentForMs = running ? now - state.lastActivityAt : 0;
  const silent = running && silentForMs > silenceMs;
  // Silence made visible early: once the current bottle is overdue, say since when nothing was heard.
  const overdue = running && silentForMs > itemMs + OVERDUE_GRACE_MS;
  return {
    jobId: state.jobId,
    status: state.status,
    tone: OVERALL_TONE[state.status] ?? 'neutral',
    final: state.final,
    loaded: state.snapshots > 0 || state.final,
    items: state.items.map((it) => ({ ...it, tone: ITEM_TONE[it.status] })),
    counts,
    total,
    finished: counts.ok + counts.failed,
    deviceOffline: !state.final && !state.deviceSimulating && (state.deviceOnline === false || silent),
    overdue,
    silentForS: Math.floor(silentForMs / 1000),
    reconnecting: !state.final && state.connection === 'reconnecting',
    closesInMs: state.final && state.completedAt != null ? Math.max(0, state.completedAt + autoCloseMs - now) : null,
    error: state.error,
  };
}
