import { test } from 'node:test';
import assert from 'node:assert/strict';
import { arrivalScheduleMs, interArrivalGapsS } from '../../src/load/arrivals.ts';
import { createRng } from '../../src/load/random.ts';

function meanAndCv(xs: readonly number[]): { mean: number; cv: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const variance = xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (xs.length - 1);
  return { mean, cv: Math.sqrt(variance) / mean };
}

test('gaps have mean 1/rate over many draws, whatever the burstiness', () => {
  for (const burstiness of [0.25, 1, 4]) {
    const { mean } = meanAndCv(interArrivalGapsS(8, burstiness, 40_000, createRng(11)));
    assert.ok(Math.abs(mean * 8 - 1) < 0.03, `burstiness ${burstiness}: mean gap ${mean}`);
  }
});

test('the gamma shape sets the coefficient of variation of the gaps to 1/sqrt(shape)', () => {
  const cv = (shape: number): number => meanAndCv(interArrivalGapsS(2, shape, 40_000, createRng(3))).cv;
  assert.ok(Math.abs(cv(1) - 1) < 0.05, `poisson cv ${cv(1)}`);
  assert.ok(Math.abs(cv(0.25) - 2) < 0.15, `bursty cv ${cv(0.25)}`);
  assert.ok(Math.abs(cv(4) - 0.5) < 0.03, `regular cv ${cv(4)}`);
});

test('schedules are reproducible from the seed and differ between seeds', () => {
  const load = { kind: 'poisson', rate: 4, burstiness: 1 } as const;
  assert.deepEqual(arrivalScheduleMs(load, 50, 7), arrivalScheduleMs(load, 50, 7));
  assert.notDeepEqual(arrivalScheduleMs(load, 50, 7), arrivalScheduleMs(load, 50, 8));
});

test('an open-loop schedule starts at 0, never goes back, and ends at (n-1)/rate', () => {
  const offsets = arrivalScheduleMs({ kind: 'poisson', rate: 4, burstiness: 0.5 }, 101, 1)!;
  assert.equal(offsets.length, 101);
  assert.equal(offsets[0], 0);
  for (let i = 1; i < offsets.length; i++) assert.ok(offsets[i] >= offsets[i - 1]);
  assert.ok(Math.abs(offsets[100] - 25_000) < 1e-6, `last ${offsets[100]}`);
  assert.deepEqual(arrivalScheduleMs({ kind: 'poisson', rate: 4, burstiness: 1 }, 1, 1), [0]);
  assert.deepEqual(arrivalScheduleMs({ kind: 'poisson', rate: 4, burstiness: 1 }, 0, 1), []);
});

test('burst sends everything at 0; a closed loop has no schedule', () => {
  assert.deepEqual(arrivalScheduleMs({ kind: 'burst' }, 4, 1), [0, 0, 0, 0]);
  assert.equal(arrivalScheduleMs({ kind: 'concurrency', concurrency: 4 }, 4, 1), null);
});

test('bad rates, shapes and counts are rejected with the field named', () => {
  assert.throws(() => arrivalScheduleMs({ kind: 'poisson', rate: 0, burstiness: 1 }, 3, 1), /load\.rate must be a positive number.*got 0/);
  assert.throws(() => arrivalScheduleMs({ kind: 'poisson', rate: 1, burstiness: -1 }, 3, 1), /load\.burstiness must be a positive number.*got -1/);
  assert.throws(() => arrivalScheduleMs({ kind: 'burst' }, 2.5, 1), /request count must be a non-negative integer, got 2.5/);
});
