// Reconnection delays: exponential growth, capped, with "equal jitter".
//
// Half of each delay is fixed and half is random, so a fleet of browsers that
// lost the server at the same instant does not come back in lockstep, while
// no single browser ever retries faster than half the nominal delay.

/** Defaults used by the live sockets of the UI. */
export const BACKOFF_DEFAULTS = Object.freeze({ baseMs: 500, capMs: 15000 });

/**
 * The nominal (un-jittered) delay before retry number `attempt` (0-based):
 * `min(capMs, baseMs * 2^attempt)`.
 */
export function nominalDelay(attempt, { baseMs = BACKOFF_DEFAULTS.baseMs, capMs = BACKOFF_DEFAULTS.capMs } = {}) {
  if (!Number.isInteger(attempt) || attempt < 0) throw new RangeError('attempt must be a non-negative integer');
  // 2^attempt overflows to Infinity for large attempts, which min() handles.
  return Math.min(capMs, baseMs * 2 ** attempt);
}

/**
 * The delay before retry number `attempt`, in [nominal/2, nominal].
 * `random` returns a number in [0, 1) (injectable for tests).
 */
export function backoffDelay(attempt, { baseMs, capMs, random = Math.random } = {}) {
  const nominal = nominalDelay(attempt, { baseMs, capMs });
  const half = nominal / 2;
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.round(half + r * half);
}
