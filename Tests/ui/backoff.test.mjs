import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelay, nominalDelay } from '../../Sources/App/Public/js/core/backoff.js';

test('nominal delay doubles from the base and stops at the cap', () => {
  const o = { baseMs: 500, capMs: 15000 };
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6].map((a) => nominalDelay(a, o)), [500, 1000, 2000, 4000, 8000, 15000, 15000]);
  assert.equal(nominalDelay(5000, o), 15000, 'huge attempt numbers do not overflow past the cap');
});

test('jittered delay stays within [nominal/2, nominal] for every attempt', () => {
  for (let attempt = 0; attempt < 60; attempt++) {
    const nominal = nominalDelay(attempt);
    for (const r of [0, 0.25, 0.5, 0.999999]) {
      const d = backoffDelay(attempt, { random: () => r });
      assert.ok(d >= nominal / 2 && d <= nominal, `attempt ${attempt} r ${r}: ${d}`);
    }
  }
});

test('jitter spreads retries: the extremes of random give the extremes of the window', () => {
  assert.equal(backoffDelay(3, { baseMs: 100, capMs: 10000, random: () => 0 }), 400);
  assert.equal(backoffDelay(3, { baseMs: 100, capMs: 10000, random: () => 1 }), 800);
});

test('a misbehaving random source cannot leave the window', () => {
  assert.equal(backoffDelay(0, { baseMs: 1000, random: () => 7 }), 1000);
  assert.equal(backoffDelay(0, { baseMs: 1000, random: () => -3 }), 500);
});

test('attempt must be a non-negative integer', () => {
  assert.throws(() => nominalDelay(-1), RangeError);
  assert.throws(() => nominalDelay(1.5), RangeError);
});
