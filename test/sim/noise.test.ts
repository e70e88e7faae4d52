import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng, drawRunMultiplier } from '../../src/engines/sim/noise.ts';

const draws = (seed: number, cv: number, n: number): number[] => {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => drawRunMultiplier(rng, cv));
};

test('run multipliers are deterministic for a seed and differ between seeds', () => {
  assert.deepEqual(draws(42, 0.1, 50), draws(42, 0.1, 50));
  assert.notDeepEqual(draws(42, 0.1, 50), draws(43, 0.1, 50));
});

test('run multipliers have mean 1 and about the requested coefficient of variation', () => {
  for (const cv of [0.02, 0.1, 0.5]) {
    const xs = draws(7, cv, 40_000);
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1));
    assert.ok(Math.abs(mean - 1) < 0.01 + cv * 0.03, `cv ${cv}: mean ${mean}`);
    assert.ok(Math.abs(sd / mean / cv - 1) < 0.08, `cv ${cv}: measured cv ${sd / mean}`);
    assert.ok(xs.every((x) => x > 0), 'multipliers stay positive');
  }
});

test('no noise means a multiplier of exactly 1; a negative CV is refused', () => {
  assert.deepEqual(draws(1, 0, 5), [1, 1, 1, 1, 1]);
  assert.throws(() => drawRunMultiplier(createRng(1), -0.1), /coefficient of variation must be a finite number >= 0, got -0.1/);
  assert.throws(() => drawRunMultiplier(createRng(1), Number.NaN), /got NaN/);
});
